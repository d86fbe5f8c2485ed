import type { Clock } from '../platform/index.js';
import type { RelayedEvent } from './downstream-lines.js';

/** A resolved alert is kept this long, so a late older event of it cannot open it again. */
export const RESOLVED_KEEP_MS = 60 * 60_000;

export interface RelayedAlerts {
  /** Keeps the event when it is the alert's latest; returns whether it was. */
  put(entry: RelayedEvent): boolean;
  /** Open alerts (not resolved) whose station passes `visible`, newest first. */
  open(visible: (station: string) => boolean): RelayedEvent[];
  readonly size: number;
}

/**
 * The latest relayed event per alert id (docs/PROTOCOL.md, "Between centres"): an event older
 * than the one kept is ignored, a resolved alert is dropped an hour after it resolved. Alert
 * ids name their station, and a station belongs to one province, so the id alone is the key.
 */
export function createRelayedAlerts(clock: Clock): RelayedAlerts {
  const latest = new Map<string, RelayedEvent>();
  const prune = (): void => {
    const before = clock.now() - RESOLVED_KEEP_MS;
    for (const [id, e] of latest) if (e.event.alert.state === 'resolved' && e.event.at < before) latest.delete(id);
  };
  return {
    put(entry) {
      prune();
      const kept = latest.get(entry.event.alert.id);
      if (kept && kept.event.at > entry.event.at) return false;
      latest.set(entry.event.alert.id, entry);
      return true;
    },
    open(visible) {
      prune();
      return [...latest.values()]
        .filter((e) => e.event.alert.state !== 'resolved' && visible(e.event.alert.station))
        .sort((a, b) => b.event.at - a.event.at);
    },
    get size() {
      return latest.size;
    },
  };
}
