import { alertMessageIn, formatAlertMinutes, type AlertEvent, type AlertTextLang } from '../../core/index.js';
import type { Delivery } from './delivery.js';
import { NOTIFY_LABELS } from './labels.js';
import { emailMessage } from './messages.js';
import { routesFor } from './routing.js';
import { createNotifyOutlet, type NotifyOutletOptions, type Rendered } from './target-sender.js';

/** The notify configuration and how to send (SMTP, webhook secret, delivery): target-sender.ts. */
export type NotifierOptions = NotifyOutletOptions;

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
  const outlet = createNotifyOutlet(options);
  const notifiable = new Set(config.events);
  // Alerts of these rules are told as the incidents they belong to (incidents/, docs/INCIDENTS.md).
  const held = new Set(config.incidentRules);
  const send = (event: AlertEvent, routes: string[], escalation: number | undefined): void =>
    outlet.send(routes, (lang) => renderAlert(config.email.subjectPrefix, event, escalation, lang));

  return {
    reminderEveryMs: config.reminderEveryMin * 60_000,
    escalateAfterMs: config.escalateAfterMin * 60_000,
    delivery: outlet.delivery,
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
    close: () => outlet.close(),
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
