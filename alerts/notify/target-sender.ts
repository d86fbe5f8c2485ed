import { randomUUID } from 'node:crypto';
import type { SchedulerLike } from 'rxjs';
import type { AlertTextLang, Logger } from '../../core/index.js';
import type { Clock } from '../../platform/index.js';
import { createDelivery, type Delivery } from './delivery.js';
import { createEmailSender, type EmailSender, type SmtpSettings } from './email.js';
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
  /** ALERTS_WEBHOOK_SECRET: signs every webhook that has no secret of its own. */
  webhookSecret?: string;
  /** A seam for tests. */
  post?: (req: WebhookRequest) => Promise<void>;
}

export interface NotifyOutletOptions extends TargetSenderOptions {
  /** Undefined: e-mail is off (said once in the log). */
  smtp?: SmtpSettings;
  scheduler: SchedulerLike;
  clock: Clock;
  deadLetterFile?: string;
  /** A seam for tests. */
  emailSender?: EmailSender;
}

/** What a notifier sends through: the delivery (retries, dead letters) and the sender to route targets. */
export interface NotifyOutlet {
  readonly delivery: Delivery;
  readonly send: TargetSend;
  /** Waits for the delivery to finish, then closes the e-mail sender. */
  close(): Promise<void>;
}

/**
 * The e-mail sender, the delivery and the target sender over them, built alike for alerts'
 * notifier and incidents' so both retry, dead-letter and route in the same way.
 */
export function createNotifyOutlet(options: NotifyOutletOptions): NotifyOutlet {
  const email = options.emailSender ?? (options.smtp ? createEmailSender(options.smtp) : undefined);
  const delivery = createDelivery({
    ...options.config.delivery,
    scheduler: options.scheduler,
    clock: options.clock,
    deadLetterFile: options.deadLetterFile,
    log: options.log,
  });
  return {
    delivery,
    send: createTargetSender(options, delivery, email),
    async close() {
      await delivery.close();
      email?.close();
    },
  };
}

const LANGS: readonly AlertTextLang[] = ['vi', 'en'];

/**
 * Hands one message to the delivery once per target of its routes (routing.ts: each address or
 * webhook once however many routes name it): one e-mail to all addresses of a language, one
 * post per webhook, each in its route's language. Alerts and incidents go out through it alike.
 */
function createTargetSender(options: TargetSenderOptions, delivery: Delivery, email: EmailSender | undefined): TargetSend {
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
