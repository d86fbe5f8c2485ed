import { randomUUID } from 'node:crypto';
import type { AlertTextLang, Logger } from '../../core/index.js';
import type { Delivery } from './delivery.js';
import type { EmailSender } from './email.js';
import type { NotifyConfig } from './notify-config.js';
import { targetsOf } from './routing.js';
import { postWebhook, type WebhookRequest } from './webhook.js';

/** One message in one language: the e-mail, and the webhook body (without its delivery id). */
export interface Rendered {
  subject: string;
  text: string;
  webhook: Record<string, unknown>;
  /** The `X-Quantrac-Event` header: `raised`, `incident.opened`... */
  eventType: string;
}

/** Sends a message to every target of the routes, rendered in each target's language. */
export type TargetSend = (routes: readonly string[], render: (lang: AlertTextLang) => Rendered) => void;

export interface TargetSenderOptions {
  config: NotifyConfig;
  log: Logger;
  webhookSecret?: string;
  post?: (req: WebhookRequest) => Promise<void>;
}

const LANGS: readonly AlertTextLang[] = ['vi', 'en'];

/**
 * Hands one message to the delivery once per target of its routes (routing.ts: each address or
 * webhook once however many routes name it): one e-mail to all addresses of a language, one
 * post per webhook, each in its route's language. Alerts and incidents go out through it alike.
 */
export function createTargetSender(options: TargetSenderOptions, delivery: Delivery, email: EmailSender | undefined): TargetSend {
  const { config, log } = options;
  const post = options.post ?? postWebhook;
  let warnedNoSmtp = false;
  const unsigned = new Set<string>();

  const sendEmail = (to: string[], m: Rendered): void => {
    if (!email) {
      if (!warnedNoSmtp) log.warn({ recipients: to.length }, 'e-mail routes are configured but SMTP_HOST is not set: e-mail is off');
      warnedNoSmtp = true;
      return;
    }
    const { subject, text } = m;
    delivery.deliver({ channel: 'email', target: to.join(','), payload: { to, subject, text }, send: () => email.send(to, subject, text) });
  };

  const sendWebhook = (name: string, m: Rendered): void => {
    const hook = config.webhooks[name]!;
    const secret = hook.secret ?? options.webhookSecret;
    if (secret === undefined && !unsigned.has(name)) {
      unsigned.add(name);
      log.warn({ webhook: name }, 'webhook has no secret (ALERTS_WEBHOOK_SECRET): sending unsigned');
    }
    const deliveryId = randomUUID();
    const body = JSON.stringify({ delivery: deliveryId, ...m.webhook });
    delivery.deliver({
      channel: 'webhook',
      target: name,
      payload: JSON.parse(body) as unknown,
      send: () => post({ url: hook.url, body, secret, timeoutMs: hook.timeoutMs, deliveryId, eventType: m.eventType }),
    });
  };

  return (routes, render) => {
    const { emails, hooks } = targetsOf(config, [...routes]);
    const rendered = new Map<AlertTextLang, Rendered>();
    const inLang = (lang: AlertTextLang): Rendered => {
      let m = rendered.get(lang);
      if (!m) rendered.set(lang, (m = render(lang)));
      return m;
    };
    for (const lang of LANGS) {
      const to = [...emails].filter(([, l]) => l === lang).map(([address]) => address);
      if (to.length > 0) sendEmail(to, inLang(lang));
    }
    for (const [name, lang] of hooks) sendWebhook(name, inLang(lang));
  };
}
