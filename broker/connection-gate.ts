import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import { clientOf } from './aedes-adapter.js';
import type { BrokerContext } from './broker-context.js';
import { BEFORE_LOGIN } from './client-log.js';
import { guardPacketSize, type Oversize } from './packet-size-guard.js';

export interface ConnectionGate {
  /** The Remaining Length allowed to a packet after the CONNECT. */
  readonly maxRemaining: number;
  /** Takes a new connection from a listener: closes it at once, or hands it to Aedes behind the packet size guard. */
  accept(conn: Duplex, address: string, req?: IncomingMessage): void;
}

/**
 * What a connection passes before Aedes gets it (docs/CONFIGURATION.md, "Broker (MQTT)"): a
 * place among the connections not yet logged in (MQTT_MAX_PENDING_CONNECTIONS), then the
 * packet size guard, with MQTT_MAX_CONNECT_BYTES for its first packet. Each refusal is
 * counted in quantrac_mqtt_refusals_total and logged, rate-limited.
 */
export function createConnectionGate(aedes: Aedes, ctx: BrokerContext, maxRemaining: number): ConnectionGate {
  const { clients, clientLog, metrics, limits, pending } = ctx;
  const sizeLimits = { maxRemaining, maxFirstRemaining: limits.maxConnectBytes };
  function tooLarge(conn: Duplex, address: string, oversize: Oversize): void {
    const { declared, limit } = oversize;
    if (oversize.first) {
      metrics.refusal('connect_too_large');
      const fields = { address, declaredBytes: declared, maxBytes: limit };
      clientLog('warn', BEFORE_LOGIN, 'connect_too_large', fields, 'first packet (the CONNECT) too large; closing the connection');
      return;
    }
    metrics.refusal('packet_too_large');
    const client = clientOf(conn);
    const account = client ? clients.get(client)?.identity?.account : undefined;
    const fields = { address, clientId: client?.id, account, declaredBytes: declared, maxBytes: limit };
    clientLog('warn', clients.key(client, address), 'packet_too_large', fields, 'packet too large; closing the connection');
  }
  return {
    maxRemaining,
    accept(conn, address, req) {
      if (!pending.admit(conn)) {
        metrics.refusal('pending_connections_full');
        const fields = { address, maxPending: limits.maxPendingConnections };
        clientLog('warn', BEFORE_LOGIN, 'pending_connections_full', fields, 'too many connections waiting to log in; closing the new one');
        conn.destroy();
        return;
      }
      guardPacketSize(conn, sizeLimits, (oversize) => tooLarge(conn, address, oversize));
      clients.accepted(aedes.handle(conn, req), address);
    },
  };
}
