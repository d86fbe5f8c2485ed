import aedesPersistence from 'aedes-persistence';

// A CommonJS module whose types declare an ES default export: its default import is the factory.
const memoryPersistence = aedesPersistence as unknown as () => Persistence;
/** What Aedes takes as `persistence` (typed `any` there). */
type Persistence = object;
type Sub = { clientId: string };
type Packet = { topic?: string };

/**
 * Aedes' in-memory persistence with a bound on each client id's queue of QoS 1 messages not
 * yet acknowledged. Without it, a gateway with a persistent session that stays away (or never
 * PUBACKs its rejection notices) grows the centre's heap by one notice per bad message, for
 * ever. Past `maxPerClient` a new message for that client id is not queued; `onDrop` is told.
 * The count follows the queue: up on enqueue, down when a PUBACK clears one.
 */
export function boundedPersistence(maxPerClient: number, onDrop: (clientId: string, topic: string | undefined) => void): Persistence {
  const p = memoryPersistence();
  const counts = new Map<string, number>();
  const take = (sub: Sub, packet: Packet): boolean => {
    const n = counts.get(sub.clientId) ?? 0;
    if (n >= maxPerClient) {
      onDrop(sub.clientId, packet.topic);
      return false;
    }
    counts.set(sub.clientId, n + 1);
    return true;
  };
  const methods = p as unknown as {
    outgoingEnqueue(sub: Sub, packet: Packet): Promise<void>;
    outgoingEnqueueCombi(subs: Sub[], packet: Packet): Promise<void>;
    outgoingClearMessageId(client: { id: string }, packet: Packet): Promise<unknown>;
  };
  const enqueue = methods.outgoingEnqueue.bind(p);
  const enqueueCombi = methods.outgoingEnqueueCombi.bind(p);
  const clear = methods.outgoingClearMessageId.bind(p);
  methods.outgoingEnqueue = async (sub, packet) => {
    if (take(sub, packet)) await enqueue(sub, packet);
  };
  methods.outgoingEnqueueCombi = async (subs, packet) => {
    const kept = subs.filter((s) => take(s, packet));
    if (kept.length > 0) await enqueueCombi(kept, packet);
  };
  methods.outgoingClearMessageId = async (client, packet) => {
    const cleared = await clear(client, packet);
    if (cleared !== undefined) {
      const n = (counts.get(client.id) ?? 1) - 1;
      if (n > 0) counts.set(client.id, n);
      else counts.delete(client.id);
    }
    return cleared;
  };
  return p;
}
