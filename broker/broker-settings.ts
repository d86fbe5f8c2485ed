import { accountsDir, type Config } from '../core/index.js';
import type { BrokerOptions } from './broker-options.js';
import { credentialsFileIn } from './credential-store.js';

/** The broker's settings from the configuration (docs/CONFIGURATION.md, "Broker (MQTT)"). */
export function brokerSettings(
  config: Config,
  maxPayloadBytes: number,
): Pick<BrokerOptions, 'host' | 'port' | 'tls' | 'wsPort' | 'credentialsFile' | 'auth' | 'limits'> {
  return {
    host: config.MQTT_HOST,
    port: config.MQTT_PORT,
    tls:
      config.MQTT_TLS_PORT === undefined
        ? undefined
        : { port: config.MQTT_TLS_PORT, certFile: config.MQTT_TLS_CERT!, keyFile: config.MQTT_TLS_KEY! },
    wsPort: config.MQTT_WS_PORT,
    credentialsFile: credentialsFileIn(accountsDir(config)),
    auth: {
      maxFailuresPerMinute: config.MQTT_AUTH_MAX_FAILURES_PER_MIN,
      blockMs: config.MQTT_AUTH_BLOCK_S * 1000,
      maxConcurrentChecks: config.MQTT_AUTH_MAX_CONCURRENT_CHECKS,
      maxQueuedChecks: config.MQTT_AUTH_MAX_QUEUED_CHECKS,
      scryptCost: config.MQTT_AUTH_SCRYPT_COST,
    },
    limits: {
      maxPayloadBytes,
      maxClientIdLength: config.MQTT_MAX_CLIENT_ID_LENGTH,
      maxKeepaliveS: config.MQTT_MAX_KEEPALIVE_S,
      maxInflight: config.MQTT_MAX_INFLIGHT,
      maxOutboundBytes: config.MQTT_MAX_OUTBOUND_BYTES,
      drainTimeoutMs: config.MQTT_DRAIN_TIMEOUT_MS,
      maxQueued: config.MQTT_MAX_QUEUED,
      maxPendingConnections: config.MQTT_MAX_PENDING_CONNECTIONS,
      maxConnectBytes: config.MQTT_MAX_CONNECT_BYTES,
      connectTimeoutMs: config.MQTT_CONNECT_TIMEOUT_S * 1000,
    },
  };
}
