import type { AlertEvent } from '../../core/index.js';
import { localDateTime } from '../format.js';

/** What each event is called in a notification. */
export const EVENT_LABEL: Record<AlertEvent['type'], string> = {
  raised: 'raised',
  escalated: 'escalated to critical',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  silenced: 'silenced',
  flapping: 'flapping (further notifications held)',
  reminder: 'reminder: still unacknowledged',
};

/** An alert event as on-call staff read it by e-mail; `what` is its label or the escalation's reason. */
export function emailMessage(subjectPrefix: string, event: AlertEvent, what: string): { subject: string; text: string } {
  const a = event.alert;
  const subject =
    `${subjectPrefix} ${a.severity.toUpperCase()} ${what}: ${a.station} ${a.parameter === '*' ? '' : `${a.parameter} `}- ${a.message}`.replace(
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
  return { subject, text };
}
