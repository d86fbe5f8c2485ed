import { Counter, Gauge, Registry } from 'prom-client';
import type { AuthFailureReason } from './authenticator.js';

export type RefusalKind =
  | 'publish_forbidden'
  | 'subscribe_forbidden'
  | 'will_forbidden'
  | 'client_id_too_long'
  | 'client_id_not_owned'
  | 'client_id_empty'
  | 'packet_too_large'
  | 'slow_consumer'
  | 'keepalive_timeout'
  | 'tls_handshake'
  | 'pending_connections_full'
  | 'connect_too_large'
  | 'connect_timeout'
  | 'packet_id_zero';

export interface BrokerMetrics {
  readonly registry: Registry;
  authFailure(reason: AuthFailureReason): void;
  refusal(kind: RefusalKind): void;
  /** A QoS 1 message not queued for a client id whose queue is full (MQTT_MAX_QUEUED). */
  queueFull(): void;
}

/**
 * The broker's counters, registered on the given registry (main.ts passes the one `/metrics`
 * serves) or a private one: prom-client's global registry refuses a second broker in one
 * process (tests start many).
 */
export function createBrokerMetrics(options: {
  registry?: Registry;
  connectedClients: () => number;
  pendingConnections: () => number;
}): BrokerMetrics {
  const registry = options.registry ?? new Registry();
  const authFailures = new Counter({
    name: 'quantrac_mqtt_auth_failures_total',
    help: 'MQTT logins refused, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'quantrac_mqtt_refusals_total',
    help: 'MQTT clients refused or disconnected for breaking the ACL or a limit, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const queueFull = new Counter({
    name: 'quantrac_mqtt_queue_full_total',
    help: 'QoS 1 messages (rejection notices, alerts) not queued for a client id already holding MQTT_MAX_QUEUED unacknowledged ones',
    registers: [registry],
  });
  new Gauge({
    name: 'quantrac_mqtt_connected_clients',
    help: 'MQTT clients connected now',
    registers: [registry],
    collect() {
      this.set(options.connectedClients());
    },
  });
  new Gauge({
    name: 'quantrac_mqtt_pending_connections',
    help: 'MQTT connections accepted and not yet logged in (at most MQTT_MAX_PENDING_CONNECTIONS)',
    registers: [registry],
    collect() {
      this.set(options.pendingConnections());
    },
  });
  return {
    registry,
    authFailure: (reason) => authFailures.inc({ reason }),
    refusal: (kind) => refusals.inc({ kind }),
    queueFull: () => queueFull.inc(),
  };
}
