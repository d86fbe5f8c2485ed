import { Gauge, type Registry } from 'prom-client';
import type { RelayStatus } from '../core/index.js';
import type { Clock } from '../platform/index.js';

/** A relay's link state as last reported, and when this centre received it. */
export interface RelayState {
  account: string;
  connected: boolean;
  lagMs: number;
  backlogPoints: number;
  backlogBytes: number;
  forwarded: number;
  /** The province's own time of the report, epoch ms, when it gave one. */
  ts?: number;
  /** When this centre received the report, epoch ms. */
  seenAt: number;
}

export interface RelayStates {
  update(account: string, status: RelayStatus): RelayState;
  list(): RelayState[];
  get(account: string): RelayState | undefined;
}

/**
 * The province centres forwarding here, by relay account (docs/PROTOCOL.md, "Between centres"),
 * with `quantrac_downstream_relay_lag_seconds{account}` and `quantrac_downstream_relay_connected{account}`.
 * The will (`{"connected":false}`) keeps the last counts it had: they were true when the link dropped.
 */
export function createRelayStates(registry: Registry, clock: Clock): RelayStates {
  const registers = [registry];
  const lag = new Gauge({
    name: 'quantrac_downstream_relay_lag_seconds',
    help: 'How far a province centre forwarding here is behind, as it reports it (its oldest reading not yet acknowledged here)',
    labelNames: ['account'],
    registers,
  });
  const connected = new Gauge({
    name: 'quantrac_downstream_relay_connected',
    help: 'Whether a province centre forwarding here is connected (1) or not (0), as last reported',
    labelNames: ['account'],
    registers,
  });
  const states = new Map<string, RelayState>();
  return {
    update(account, s) {
      const before = states.get(account);
      const next: RelayState = {
        account,
        connected: s.connected,
        lagMs: s.lagMs ?? before?.lagMs ?? 0,
        backlogPoints: s.backlogPoints ?? before?.backlogPoints ?? 0,
        backlogBytes: s.backlogBytes ?? before?.backlogBytes ?? 0,
        forwarded: s.forwarded ?? before?.forwarded ?? 0,
        ...(s.ts !== undefined ? { ts: s.ts } : before?.ts !== undefined ? { ts: before.ts } : {}),
        seenAt: clock.now(),
      };
      states.set(account, next);
      lag.labels(account).set(next.lagMs / 1000);
      connected.labels(account).set(next.connected ? 1 : 0);
      return next;
    },
    list: () => [...states.values()].sort((a, b) => a.account.localeCompare(b.account)),
    get: (account) => states.get(account),
  };
}
