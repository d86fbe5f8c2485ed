import type { AedesOptions, AuthenticateError, Client, ConnectPacket } from 'aedes';
import { mayPublish, type Identity } from './acl.js';
import { forceCleanSession, holdKeepalive, onConnectionClose, pendingWill, shieldDeliveries } from './aedes-adapter.js';
import type { Authenticator } from './authenticator.js';
import type { BrokerContext } from './broker-context.js';
import { ownsClientId } from './client-id.js';
import type { ClientState } from './client-registry.js';

type Refusal = AuthenticateError;
const refusal = (returnCode: 2 | 3 | 4 | 5, message: string): Refusal => Object.assign(new Error(message), { returnCode }) as Refusal;

/** CONNACK 3 (busy: try again), 4 (wrong credentials), 5 (throttled, disabled): MQTT 3.1.1, 3.2.2.3. */
const REFUSAL_MESSAGE = { 3: 'server unavailable', 4: 'bad user name or password', 5: 'not authorized' } as const;

/** When a gateway's connection closes after CONNACK, its stations go offline this much later, so its will's offline comes first. */
const DETACH_DELAY_MS = 1000;

/**
 * Session takeover [MQTT-3.1.4-2]: a client id in use is handed to the newcomer, so an account
 * may only use its own (docs/PROTOCOL.md, "Identity"). Checked after the secret, so it tells
 * nothing to a guesser. An empty one gets a unique id from Aedes; it needs a clean session
 * [MQTT-3.1.3-8]. Each refusal is logged: one line per connection attempt, a security record.
 */
function checkClientId(
  ctx: BrokerContext,
  client: Client,
  state: ClientState,
  identity: Identity,
  connect: ConnectPacket | undefined,
): Refusal | null {
  const assigned = connect !== undefined && !connect.clientId;
  if (assigned && !connect.clean) {
    ctx.metrics.refusal('client_id_empty');
    ctx.log.warn({ address: state.address, account: identity.account }, 'login refused: an empty client id needs a clean session');
    return refusal(2, 'identifier rejected');
  }
  if (!assigned && !ownsClientId(identity.account, client.id)) {
    ctx.metrics.refusal('client_id_not_owned');
    ctx.log.warn(
      { event: 'security', address: state.address, clientId: client.id, account: identity.account },
      'login refused: client id not owned by this account (it must be the account id, or start with it and ":" or "/")',
    );
    return refusal(2, 'identifier rejected');
  }
  return null;
}

/** The session and presence of a client just authenticated as `identity`. */
function settle(ctx: BrokerContext, client: Client, state: ClientState, identity: Identity, connect: ConnectPacket | undefined): void {
  if (identity.role === 'subscriber' && connect && !connect.clean) {
    // Aedes' in-memory persistence queues QoS 1 messages, without bound, for an offline
    // persistent session and for every unacknowledged delivery of one: a subscriber that
    // went away (or never PUBACKs) would grow the heap with each alert. Subscribers get
    // alerts live; their history is in InfluxDB and the dashboard (docs/PROTOCOL.md, "Identity").
    forceCleanSession(client, connect);
    ctx.log.info(
      { address: state.address, clientId: client.id, account: identity.account },
      'subscriber asked for a persistent session; it gets a clean one (alerts are delivered live only)',
    );
  }
  state.identity = identity;
  if (identity.role === 'subscriber' || client.closed) return;
  ctx.tracker.attach(client, identity.stations, identity.role === 'relay');
  onConnectionClose(client, () => {
    // A registered client is detached on 'clientDisconnect', after Aedes sent its will,
    // so the will's offline comes first; this catches the rest.
    if (!state.ready) ctx.tracker.detach(client);
    else ctx.later(DETACH_DELAY_MS, () => ctx.tracker.detach(client));
  });
}

async function authenticate(
  ctx: BrokerContext,
  auth: Authenticator,
  client: Client,
  username: string | undefined,
  password: Buffer | undefined,
): Promise<Refusal | null> {
  const state = ctx.clients.get(client)!;
  if (client.id.length > ctx.limits.maxClientIdLength) {
    ctx.metrics.refusal('client_id_too_long');
    ctx.log.warn({ address: state.address, clientIdLength: client.id.length }, 'login refused: client id too long');
    return refusal(2, 'identifier rejected');
  }
  const connect = state.connect;
  state.connect = undefined;
  const outcome = await auth.authenticate({ address: state.address, clientId: client.id, username, password });
  if (!outcome.ok) return refusal(outcome.returnCode, REFUSAL_MESSAGE[outcome.returnCode]);
  const { identity } = outcome;
  const refused = checkClientId(ctx, client, state, identity, connect);
  if (refused) return refused;
  const will = pendingWill(client);
  if (will && !mayPublish(identity, will.topic)) {
    ctx.metrics.refusal('will_forbidden');
    ctx.log.warn(
      { event: 'security', address: state.address, clientId: client.id, account: identity.account, topic: will.topic },
      'login refused: will topic not allowed for this account',
    );
    return refusal(5, 'not authorized');
  }
  settle(ctx, client, state, identity, connect);
  return null;
}

/** Aedes' `preConnect` and `authenticate` hooks: limits on the CONNECT, then the login (docs/PROTOCOL.md, "Identity"). */
export function createConnectHooks(ctx: BrokerContext, auth: Authenticator): Required<Pick<AedesOptions, 'preConnect' | 'authenticate'>> {
  return {
    preConnect(client, packet, done) {
      const state = ctx.clients.get(client);
      if (state) state.connect = packet;
      // Keepalive enforcement [MQTT-3.1.2-24]: a dead gateway is seen within 1.5 x the maximum.
      holdKeepalive(packet, ctx.limits.maxKeepaliveS);
      shieldDeliveries(client, ctx.limits.maxOutboundBytes, ctx.dropSlow);
      done(null, true);
    },
    authenticate(client, username, password, done) {
      authenticate(ctx, auth, client, username, password).then(
        (err) => done(err, err === null),
        (err: Error) => {
          ctx.clientLog(
            'error',
            ctx.clients.key(client),
            'authentication_failed',
            { err, ...ctx.clients.who(client) },
            'authentication failed unexpectedly',
          );
          done(refusal(3, 'server unavailable'), false);
        },
      );
    },
  };
}
