import { Subject, type Observable } from 'rxjs';
import { PresenceSchema, type Presence } from '../core/index.js';

/** This node's copy of the shared presence hash: what the dashboard and the alerts are told. */
export interface PresenceMirror {
  readonly presence$: Observable<Presence>;
  /** One entry as the hash or the channel holds it (JSON with the reporting node); ignored when malformed. */
  take(json: string): void;
  /** The whole hash (at start, and after the subscriber reconnected: messages may have been missed). */
  load(entries: Record<string, string>): void;
  current(station: string): Presence | undefined;
  snapshot(): Presence[];
  complete(): void;
}

/** The core Presence of a stored entry, without the node that reported it. */
function parseEntry(json: string): Presence | undefined {
  try {
    const parsed = PresenceSchema.safeParse(JSON.parse(json));
    if (!parsed.success) return undefined;
    const { station, state, ts, reason } = parsed.data;
    return reason === undefined ? { station, state, ts } : { station, state, ts, reason };
  } catch {
    return undefined;
  }
}

/**
 * Keeps the latest state per station and emits a change only when a station's state differs from
 * what this node last told (as the broker's own tracker does): a reload after a reconnect emits
 * only what changed meanwhile.
 */
export function createPresenceMirror(): PresenceMirror {
  const subject = new Subject<Presence>();
  const states = new Map<string, Presence>();
  const take = (p: Presence | undefined): void => {
    if (!p || states.get(p.station)?.state === p.state) return;
    states.set(p.station, p);
    subject.next(p);
  };
  return {
    presence$: subject.asObservable(),
    take: (json) => take(parseEntry(json)),
    load(entries) {
      for (const json of Object.values(entries)) take(parseEntry(json));
    },
    current: (station) => states.get(station),
    snapshot: () => [...states.values()],
    complete: () => subject.complete(),
  };
}
