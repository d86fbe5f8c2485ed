import type { Aedes, Client } from 'aedes';
import type { Duplex } from 'node:stream';
import { destroyConnection, isConnectTimeout, isDrainTimeout, queuedOutboundBytes } from './aedes-adapter.js';
import type { BrokerContext } from './broker-context.js';
import { BEFORE_LOGIN } from './client-log.js';

type EventContext = Omit<BrokerContext, 'dropSlow' | 'later'>;

/**
 * Drops a slow consumer once per connection: its socket holds more than MQTT_MAX_OUTBOUND_BYTES,
 * or stayed full past the drain timeout. Closing it keeps it from holding up deliveries to others.
 */
export function createSlowConsumerDrop(ctx: EventContext): (client: Client) => void {
  return (client) => {
    const s = ctx.clients.get(client);
    if (s?.dropped) return;
    if (s) s.dropped = true;
    ctx.metrics.refusal('slow_consumer');
    const fields = { ...ctx.clients.who(client), queuedBytes: queuedOutboundBytes(client) };
    ctx.clientLog(
      'warn',
      ctx.clients.key(client),
      'slow_consumer',
      fields,
      'slow consumer: dropping the connection so it cannot hold up others',
    );
    destroyConnection(client);
  };
}

/**
 * Follows Aedes' client events: presence on connect and disconnect, the end of a connection's
 * wait to log in (ctx.pending), logs and counters for the rest.
 */
export function watchClients(aedes: Aedes, ctx: BrokerContext): void {
  const { clients, clientLog, log, tracker } = ctx;
  aedes.on('clientReady', (client) => {
    ctx.pending.settle(client.conn as Duplex);
    const s = clients.get(client);
    if (!s) return;
    s.ready = true;
    tracker.ready(client);
    log.info({ ...clients.who(client), role: s.identity?.role }, 'client connected');
  });
  aedes.on('clientDisconnect', (client) => {
    tracker.detach(client);
    log.info(clients.who(client), 'client disconnected');
  });
  aedes.on('keepaliveTimeout', (client) => {
    ctx.metrics.refusal('keepalive_timeout');
    clientLog('info', clients.key(client), 'keepalive_timeout', clients.who(client), 'keepalive expired; closing the connection');
  });
  aedes.on('clientError', (client, err) => {
    if (isDrainTimeout(err)) ctx.dropSlow(client);
    clientLog('debug', clients.key(client), 'client_error', { ...clients.who(client), err: err.message }, 'client error');
  });
  aedes.on('connectionError', (client, err) => {
    const address = client ? clients.get(client)?.address : undefined;
    if (isConnectTimeout(err)) {
      ctx.metrics.refusal('connect_timeout');
      const fields = { address, connectTimeoutMs: ctx.limits.connectTimeoutMs };
      clientLog('info', BEFORE_LOGIN, 'connect_timeout', fields, 'no CONNECT in time; closing the connection');
      return;
    }
    clientLog('debug', clients.key(client, address), 'connection_error', { address, err: err.message }, 'connection error');
  });
}
