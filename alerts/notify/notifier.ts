import { randomUUID } from 'node:crypto';
import type { SchedulerLike } from 'rxjs';
import type { AlertEvent, Clock, Logger, Severity } from '../../core/index.js';
import { duration, localDateTime } from '../format.js';
import { createDelivery, type Delivery } from './delivery.js';
import { createEmailSender, type EmailSender, type SmtpSettings } from './email.js';
import type { NotifyConfig } from './notify-config.js';
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

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };

const LABEL: Record<AlertEvent['type'], string> = {
  raised: 'raised',
  escalated: 'escalated to critical',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  silenced: 'silenced',
  flapping: 'flapping (further notifications held)',
  reminder: 'reminder: still unacknowledged',
};

/**
 * Routing by zone and severity to on-call e-mail and webhooks, each target told once per event
 * however many routes name it (Grafana's duplicate notifications are what this avoids).
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { config, log } = options;
  const email = options.emailSender ?? (options.smtp ? createEmailSender(options.smtp) : undefined);
  const post = options.post ?? postWebhook;
  const delivery = createDelivery({
    ...config.delivery,
    scheduler: options.scheduler,
    clock: options.clock,
    deadLetterFile: options.deadLetterFile,
    log,
  });
  const notifiable = new Set(config.events);
  let warnedNoSmtp = false;
  const unsigned = new Set<string>();

  const routesFor = (event: AlertEvent, escalation: boolean): string[] => {
    const a = event.alert;
    const out = new Set<string>();
    for (const r of config.routing) {
      if (r.zones !== undefined && !r.zones.includes(a.zone)) continue;
      if (RANK[a.severity] < RANK[r.minSeverity]) continue;
      const route = escalation ? r.escalateTo : r.route;
      if (route !== undefined) out.add(route);
    }
    return [...out];
  };

  const send = (event: AlertEvent, routes: string[], escalation: string | undefined): void => {
    const emails = new Set<string>();
    const hooks = new Set<string>();
    for (const name of routes) {
      const route = config.routes[name];
      route?.email.forEach((e) => emails.add(e.toLowerCase()));
      route?.webhooks.forEach((w) => hooks.add(w));
    }
    const a = event.alert;
    const what = escalation ?? LABEL[event.type];
    if (emails.size > 0) {
      if (!email) {
        if (!warnedNoSmtp) log.warn({ recipients: emails.size }, 'e-mail routes are configured but SMTP_HOST is not set: e-mail is off');
        warnedNoSmtp = true;
      } else {
        const to = [...emails];
        const subject =
          `${config.email.subjectPrefix} ${a.severity.toUpperCase()} ${what}: ${a.station} ${a.parameter === '*' ? '' : `${a.parameter} `}- ${a.message}`.replace(
            /\s+/g,
            ' ',
          );
        const text = [
          `${a.message}`,
          '',
          `Event:     ${what}`,
          `Station:   ${a.station} (zone ${a.zone})`,
          `Parameter: ${a.parameter}`,
          `Rule:      ${a.rule}`,
          `Severity:  ${a.severity}`,
          `State:     ${a.state}${a.acknowledgedBy ? ` by ${a.acknowledgedBy}${a.note ? ` ("${a.note}")` : ''}` : ''}`,
          `Since:     ${localDateTime(a.since)}`,
          `At:        ${localDateTime(event.at)}`,
          '',
          'Acknowledge it on the quantrac dashboard to stop reminders and escalation.',
          `Alert id: ${a.id}`,
        ].join('\n');
        delivery.deliver({
          channel: 'email',
          target: to.join(','),
          payload: { to, subject, text },
          send: () => email.send(to, subject, text),
        });
      }
    }
    for (const name of hooks) {
      const hook = config.webhooks[name]!;
      const secret = hook.secret ?? options.webhookSecret;
      if (secret === undefined && !unsigned.has(name)) {
        unsigned.add(name);
        log.warn({ webhook: name }, 'webhook has no secret (ALERTS_WEBHOOK_SECRET): sending unsigned');
      }
      const deliveryId = randomUUID();
      const body = JSON.stringify({ delivery: deliveryId, type: event.type, at: event.at, escalation: escalation !== undefined, alert: a });
      delivery.deliver({
        channel: 'webhook',
        target: name,
        payload: JSON.parse(body) as unknown,
        send: () => post({ url: hook.url, body, secret, timeoutMs: hook.timeoutMs, deliveryId, eventType: event.type }),
      });
    }
  };

  return {
    reminderEveryMs: config.reminderEveryMin * 60_000,
    escalateAfterMs: config.escalateAfterMin * 60_000,
    delivery,
    notify(event) {
      if (!notifiable.has(event.type)) return;
      const routes = routesFor(event, false);
      if (routes.length > 0) send(event, routes, undefined);
    },
    escalate(event, unacknowledgedMs) {
      const routes = routesFor(event, true);
      if (routes.length === 0) return false;
      send(event, routes, `unacknowledged for ${duration(unacknowledgedMs)}`);
      return true;
    },
    async close() {
      await delivery.close();
      email?.close();
    },
  };
}
