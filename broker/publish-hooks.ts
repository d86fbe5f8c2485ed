import type { AedesOptions } from 'aedes';
import type { AcceptForwarded, Admit } from '../core/index.js';
import { maySubscribe, publishKind } from './acl.js';
import { isWill } from './aedes-adapter.js';
import type { BrokerContext } from './broker-context.js';
import { createAdmissionLimiter } from './client-guards.js';
import { topicForLog } from './client-log.js';
import { parsePresence } from './presence.js';

/** Hands a relay's forwarded message to `acceptForwarded`; without one, logs (once a minute per account) that it is not kept. */
function forwarder(ctx: BrokerContext, acceptForwarded: AcceptForwarded | undefined): AcceptForwarded {
  return async (m) => {
    if (acceptForwarded) return acceptForwarded(m);
    const fields = { account: m.account, kind: m.kind };
    ctx.clientLog(
      'warn',
      `account ${m.account}`,
      'forward_unhandled',
      fields,
      'relay message not kept: this centre takes no forwarded messages',
    );
  };
}

/**
 * Aedes' `authorizePublish` and `authorizeSubscribe` hooks: the topic ACL (docs/PROTOCOL.md,
 * "Topics"), presence from the status topic, and admission of readings. `authorizePublish` is
 * where a QoS 1 PUBACK waits until ingest made the message durable (aedes-adapter.ts,
 * createAedes; docs/ARCHITECTURE.md): a wrong topic fails the callback, which closes that client.
 * A relay's alert events and link state go to `acceptForwarded` instead, awaited the same way
 * (docs/PROTOCOL.md, "Between centres"); without one they are acknowledged and not kept.
 */
export function createPublishHooks(
  ctx: BrokerContext,
  admit: Admit,
  acceptForwarded?: AcceptForwarded,
): Required<Pick<AedesOptions, 'authorizePublish' | 'authorizeSubscribe'>> {
  const admissions = createAdmissionLimiter(ctx.limits.maxInflight);
  const { clients, clientLog, metrics } = ctx;
  const forward = forwarder(ctx, acceptForwarded);
  return {
    authorizePublish(client, packet, done) {
      if (client === null) return done(null); // the centre's own publications
      // [MQTT-2.3.1-1]: a QoS 1 or 2 PUBLISH carries a non-zero packet identifier. Aedes would
      // acknowledge id 0; it is a protocol violation, and closes the connection (a will has none).
      if (packet.qos > 0 && !packet.messageId && !isWill(client, packet)) {
        metrics.refusal('packet_id_zero');
        const fields = { ...clients.who(client), topic: topicForLog(packet.topic), qos: packet.qos };
        clientLog(
          'warn',
          clients.key(client),
          'packet_id_zero',
          fields,
          'QoS 1 or 2 PUBLISH with packet id 0 [MQTT-2.3.1-1]; closing the connection',
        );
        return done(new Error('PUBLISH with QoS > 0 and packet identifier 0'));
      }
      const state = clients.get(client);
      const kind = state?.identity ? publishKind(state.identity, packet.topic) : undefined;
      if (!state?.identity || kind === undefined) {
        metrics.refusal('publish_forbidden');
        const fields = { event: 'security', ...clients.who(client), topic: topicForLog(packet.topic) };
        clientLog(
          'warn',
          clients.key(client),
          'publish_forbidden',
          fields,
          'publish to a topic this account may not write; closing the connection',
        );
        return done(new Error(`publishing to ${packet.topic} is not allowed`));
      }
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      if (kind === 'status') {
        const presence = parsePresence(packet.topic.split('/')[1]!, payload, ctx.clock.now(), isWill(client, packet));
        if (presence) ctx.tracker.status(presence, client);
        return done(null);
      }
      const account = state.identity.account;
      const work =
        kind === 'readings'
          ? () => admit({ topic: packet.topic, payload, clientId: client.id })
          : () => forward({ kind, account, topic: packet.topic, payload });
      admissions.run(client, work).then(
        () => done(null),
        (err: Error) => {
          // Not acknowledged: closing the client makes a QoS 1 gateway resend later.
          clientLog(
            'error',
            clients.key(client),
            'admission_failed',
            { err, ...clients.who(client), topic: topicForLog(packet.topic) },
            'admission failed; closing client so it resends',
          );
          done(err);
        },
      );
    },
    authorizeSubscribe(client, sub, done) {
      const identity = clients.get(client)?.identity;
      if (identity && maySubscribe(identity, sub.topic)) return done(null, sub);
      metrics.refusal('subscribe_forbidden');
      const fields = { ...clients.who(client), topic: topicForLog(sub.topic) };
      clientLog('warn', clients.key(client), 'subscribe_forbidden', fields, 'subscription refused');
      done(null, null); // SUBACK 0x80 [MQTT-3.9.3-2]
    },
  };
}
