import type { Client } from 'aedes';

type Deliver = (packet: unknown, done: (err?: Error | null) => void) => void;
/** Aedes client internals these guards rely on (lib/client.js). */
interface ClientInternals { deliverQoS: Deliver; deliver0: Deliver; pause(): void; resume(): void; _parsingBatch: number }

const noop = (): void => undefined;

/**
 * A slow or frozen subscriber must never hold up anyone else. Aedes delivers through one
 * mqemitter whose `concurrency` slots (100) stay taken until each receiving client's socket
 * drains; one frozen reader fills them all, and every delivery in the broker (alerts to other
 * subscribers, rejection notices to gateways) then waits for its drainTimeout. Here each
 * delivery releases its slot at once and the bytes wait in that client's own socket buffer,
 * which is bounded: past `maxOutboundBytes` the client is handed to `onSlow` (and Aedes'
 * drainTimeout still drops a socket that stays full). Call before the client subscribes
 * (preConnect): Aedes binds these functions into each subscription.
 */
export function shieldDeliveries(client: Client, maxOutboundBytes: number, onSlow: (client: Client) => void): void {
  const c = client as unknown as ClientInternals;
  for (const key of ['deliverQoS', 'deliver0'] as const) {
    const deliver = c[key].bind(client);
    c[key] = (packet, done) => {
      if (client.conn.writableLength > maxOutboundBytes) onSlow(client);
      else deliver(packet, noop);
      setImmediate(done);
    };
  }
}

export interface AdmissionLimiter {
  /** Runs `admit` for this client once fewer than the limit of its admissions are pending. */
  run(client: Client, admit: () => Promise<unknown>): Promise<void>;
}

/**
 * At most `maxInflight` admissions per client. Aedes reads a socket again whenever data
 * arrives ('readable' restarts nextBatch even while packets are pending), so holding admit()
 * alone does not push back on a fast client: at the bound its reading is paused (Aedes
 * `client.pause()`), leaving the bytes in the socket (TCP backpressure); the packets of the
 * chunk already parsed wait here, at most one chunk's worth.
 */
export function createAdmissionLimiter(maxInflight: number): AdmissionLimiter {
  const states = new WeakMap<Client, { inflight: number; paused: boolean; waiting: Array<() => void> }>();
  return {
    async run(client, admit) {
      let s = states.get(client);
      if (!s) states.set(client, (s = { inflight: 0, paused: false, waiting: [] }));
      const c = client as unknown as ClientInternals;
      if (s.inflight >= maxInflight) await new Promise<void>((resolve) => s.waiting.push(resolve));
      s.inflight++;
      if (s.inflight >= maxInflight && !s.paused) {
        s.paused = true;
        c.pause();
      }
      try {
        await admit();
      } finally {
        s.inflight--;
        const next = s.waiting.shift();
        if (next) next();
        else if (s.paused) {
          s.paused = false;
          if (!client.closed) {
            // While paused, Aedes' nextBatch returns early without counting the packets that
            // finished (lib/client.js), so its batch counter would stay up and the socket
            // would not be read until unrelated bytes arrive. Set it to what is really
            // pending: the admissions still running, this one (its nextBatch comes after us)
            // and resume()'s own call. Lower is safe (reads a little sooner); higher stalls.
            c._parsingBatch = Math.min(c._parsingBatch, s.inflight + 2);
            c.resume();
          }
        }
      }
    },
  };
}
