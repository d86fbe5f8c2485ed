import type { Client } from 'aedes';
import type { Logger } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import type { BrokerLimits } from './broker-options.js';
import type { BrokerMetrics } from './broker-metrics.js';
import type { ClientLog } from './client-log.js';
import type { ClientRegistry } from './client-registry.js';
import type { PendingConnections } from './pending-connections.js';
import type { PresenceTracker } from './presence-tracker.js';

/** The parts the broker's hooks and event handlers share, made once by createBroker. */
export interface BrokerContext {
  readonly limits: BrokerLimits;
  readonly log: Logger;
  /** Repeatable client errors, one line per client and kind a minute. */
  readonly clientLog: ClientLog;
  readonly clients: ClientRegistry;
  /** Connections accepted and not yet logged in (MQTT_MAX_PENDING_CONNECTIONS). */
  readonly pending: PendingConnections;
  readonly metrics: BrokerMetrics;
  readonly tracker: PresenceTracker;
  readonly clock: Clock;
  /** Runs `fn` after `ms` on the broker's scheduler, unless the broker closed first. */
  later(ms: number, fn: () => void): void;
  /** Drops a client whose socket does not take what is sent to it (at most once per connection). */
  dropSlow(client: Client): void;
}
