import type { SchedulerLike } from 'rxjs';
import { alertMessageIn, formatAlertMinutes, type AlertEvent, type AlertTextLang, type Logger } from '../../core/index.js';
import type { Clock } from '../../platform/index.js';
import { createDelivery, type Delivery } from './delivery.js';
import { createEmailSender, type EmailSender, type SmtpSettings } from './email.js';
import { NOTIFY_LABELS } from './labels.js';
import { emailMessage } from './messages.js';
import type { NotifyConfig } from './notify-config.js';
import { routesFor } from './routing.js';
import { createTargetSender, type Rendered } from './target-sender.js';
import type { WebhookRequest } from './webhook.js';

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
  // Alerts of these rules are told as the incidents they belong to (incidents/, docs/INCIDENTS.md).
  const held = new Set(config.incidentRules);
  const sendTo = createTargetSender(options, delivery, email);
  const send = (event: AlertEvent, routes: string[], escalation: number | undefined): void =>
    sendTo(routes, (lang) => renderAlert(config.email.subjectPrefix, event, escalation, lang));

  return {
    reminderEveryMs: config.reminderEveryMin * 60_000,
    escalateAfterMs: config.escalateAfterMin * 60_000,
    delivery,
    notify(event) {
      if (!notifiable.has(event.type) || held.has(event.alert.rule)) return;
      const routes = routesFor(config, event, false);
      if (routes.length > 0) send(event, routes, undefined);
    },
    escalate(event, unacknowledgedMs) {
      if (held.has(event.alert.rule)) return false;
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

/** The event's label, or the escalation's reason, in `lang`. */
function whatOf(event: AlertEvent, escalation: number | undefined, lang: AlertTextLang): string {
  const L = NOTIFY_LABELS[lang];
  return escalation === undefined ? L.event[event.type] : L.unacknowledgedFor(formatAlertMinutes(escalation / 60_000, lang));
}

/**
 * One alert event (or its escalation: how long it has gone unacknowledged, ms) in `lang`: the
 * e-mail, and for webhooks `label` and `text` for people, the alert's code and params for machines.
 */
function renderAlert(subjectPrefix: string, event: AlertEvent, escalation: number | undefined, lang: AlertTextLang): Rendered {
  const what = whatOf(event, escalation, lang);
  const { subject, text } = emailMessage(subjectPrefix, event, what, lang);
  return {
    subject,
    text,
    eventType: event.type,
    webhook: {
      type: event.type,
      at: event.at,
      escalation: escalation !== undefined,
      lang,
      label: what,
      text: alertMessageIn(event.alert, lang),
      alert: event.alert,
    },
  };
}
