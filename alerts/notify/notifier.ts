import { randomUUID } from 'node:crypto';
import type { SchedulerLike } from 'rxjs';
import { alertMessageIn, formatAlertMinutes, type AlertEvent, type AlertTextLang, type Logger } from '../../core/index.js';
import type { Clock } from '../../platform/index.js';
import { createDelivery, type Delivery } from './delivery.js';
import { createEmailSender, type EmailSender, type SmtpSettings } from './email.js';
import { NOTIFY_LABELS } from './labels.js';
import { emailMessage } from './messages.js';
import type { NotifyConfig } from './notify-config.js';
import { routesFor, targetsOf } from './routing.js';
import { postWebhook, type WebhookRequest } from './webhook.js';

export interface NotifierOptions {
  config: NotifyConfig;
  /** Undefined: e-mail is off (said once in the log). */
  smtp?: SmtpSettings;
  /** ALERTS_WEBHOOK_SECRET: signs every webhook that has no secret of its own. */
  webhookSecret?: string;
  scheduler: SchedulerLike;
  clock: Clock;
  log: Logger;
  deadLetterFile?: string;
  /** Seams for tests. */
  emailSender?: EmailSender;
  post?: (req: WebhookRequest) => Promise<void>;
}

export interface Notifier {
  /** Sends the event to the routes its zone and severity match (e-mail, webhooks). */
  notify(event: AlertEvent): void;
  /** Tells the second route about an alert still unacknowledged; false when it has none. */
  escalate(event: AlertEvent, unacknowledgedMs: number): boolean;
  readonly reminderEveryMs: number;
  readonly escalateAfterMs: number;
  readonly delivery: Delivery;
  close(): Promise<void>;
}

/**
 * Routing by zone and severity to on-call e-mail and webhooks (routing.ts), each target told once
 * per event however many routes name it; each message goes out through the delivery
 * (delivery.ts: retries, bound, dead letters).
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { config } = options;
  const email = options.emailSender ?? (options.smtp ? createEmailSender(options.smtp) : undefined);
  const delivery = createDelivery({
    ...config.delivery,
    scheduler: options.scheduler,
    clock: options.clock,
    deadLetterFile: options.deadLetterFile,
    log: options.log,
  });
  const notifiable = new Set(config.events);
  const send = createSender(options, delivery, email);

  return {
    reminderEveryMs: config.reminderEveryMin * 60_000,
    escalateAfterMs: config.escalateAfterMin * 60_000,
    delivery,
    notify(event) {
      if (!notifiable.has(event.type)) return;
      const routes = routesFor(config, event, false);
      if (routes.length > 0) send(event, routes, undefined);
    },
    escalate(event, unacknowledgedMs) {
      const routes = routesFor(config, event, true);
      if (routes.length === 0) return false;
      send(event, routes, unacknowledgedMs);
      return true;
    },
    async close() {
      await delivery.close();
      email?.close();
    },
  };
}

/** `escalation`: how long the alert has gone unacknowledged (ms), for an escalation. */
const LANGS: readonly AlertTextLang[] = ['vi', 'en'];

type Send = (event: AlertEvent, routes: string[], escalation: number | undefined) => void;

/** The event's label, or the escalation's reason, in `lang`. */
function whatOf(event: AlertEvent, escalation: number | undefined, lang: AlertTextLang): string {
  const L = NOTIFY_LABELS[lang];
  return escalation === undefined ? L.event[event.type] : L.unacknowledgedFor(formatAlertMinutes(escalation / 60_000, lang));
}

/**
 * Hands one event to the delivery once per target of its routes: one e-mail to all addresses of
 * a language, one post per webhook, each in its route's language.
 */
function createSender(options: NotifierOptions, delivery: Delivery, email: EmailSender | undefined): Send {
  const { config, log } = options;
  const post = options.post ?? postWebhook;
  let warnedNoSmtp = false;
  const unsigned = new Set<string>();

  const sendEmail = (event: AlertEvent, to: string[], what: string, lang: AlertTextLang): void => {
    if (!email) {
      if (!warnedNoSmtp) log.warn({ recipients: to.length }, 'e-mail routes are configured but SMTP_HOST is not set: e-mail is off');
      warnedNoSmtp = true;
      return;
    }
    const { subject, text } = emailMessage(config.email.subjectPrefix, event, what, lang);
    delivery.deliver({ channel: 'email', target: to.join(','), payload: { to, subject, text }, send: () => email.send(to, subject, text) });
  };

  const sendWebhook = (event: AlertEvent, name: string, escalation: number | undefined, lang: AlertTextLang): void => {
    const hook = config.webhooks[name]!;
    const secret = hook.secret ?? options.webhookSecret;
    if (secret === undefined && !unsigned.has(name)) {
      unsigned.add(name);
      log.warn({ webhook: name }, 'webhook has no secret (ALERTS_WEBHOOK_SECRET): sending unsigned');
    }
    const deliveryId = randomUUID();
    // `label` and `text` for people, in the route's language; the alert's code and params for machines.
    const body = JSON.stringify({
      delivery: deliveryId,
      type: event.type,
      at: event.at,
      escalation: escalation !== undefined,
      lang,
      label: whatOf(event, escalation, lang),
      text: alertMessageIn(event.alert, lang),
      alert: event.alert,
    });
    delivery.deliver({
      channel: 'webhook',
      target: name,
      payload: JSON.parse(body) as unknown,
      send: () => post({ url: hook.url, body, secret, timeoutMs: hook.timeoutMs, deliveryId, eventType: event.type }),
    });
  };

  return (event, routes, escalation) => {
    const { emails, hooks } = targetsOf(config, routes);
    for (const lang of LANGS) {
      const to = [...emails].filter(([, l]) => l === lang).map(([address]) => address);
      if (to.length > 0) sendEmail(event, to, whatOf(event, escalation, lang), lang);
    }
    for (const [name, lang] of hooks) sendWebhook(event, name, escalation, lang);
  };
}
