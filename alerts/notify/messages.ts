import { alertMessageIn, type AlertEvent, type AlertTextLang } from '../../core/index.js';
import { localDate, localIso } from '../../platform/index.js';
import { NOTIFY_LABELS } from './labels.js';

/** `YYYY-MM-DD HH:MM (UTC+7)`, or `HH:MM DD/MM/YYYY (UTC+7)` as Vietnamese readers write a date. */
export function localDateTime(ms: number, lang: AlertTextLang): string {
  // localIso ends "HH:MM:SS+07:00"; localDate is "YYYY-MM-DD".
  const hhmm = localIso(ms).slice(-14, -9);
  const date = localDate(ms);
  if (lang === 'en') return `${date} ${hhmm} (UTC+7)`;
  const [y, m, d] = date.split('-');
  return `${hhmm} ${d}/${m}/${y} (UTC+7)`;
}

/**
 * An alert event as on-call staff read it by e-mail, in the route's language; `what` is the
 * event's label or the escalation's reason, already in that language.
 */
export function emailMessage(
  subjectPrefix: string,
  event: AlertEvent,
  what: string,
  lang: AlertTextLang = 'en',
): { subject: string; text: string } {
  const a = event.alert;
  const L = NOTIFY_LABELS[lang];
  const message = alertMessageIn(a, lang);
  const subject =
    `${subjectPrefix} ${L.severity[a.severity].toUpperCase()} ${what}: ${a.station} ${a.parameter === '*' ? '' : `${a.parameter} `}- ${message}`.replace(
      /\s+/g,
      ' ',
    );
  const ack = a.acknowledgedBy ? ` ${L.by(a.acknowledgedBy)}${a.note ? ` ("${a.note}")` : ''}` : '';
  const values = [
    what,
    `${a.station} (${L.zone(a.zone)})`,
    a.parameter,
    L.rule[a.rule],
    L.severity[a.severity],
    `${L.state[a.state]}${ack}`,
    localDateTime(a.since, lang),
    localDateTime(event.at, lang),
  ];
  // The values line up after the longest field name.
  const width = Math.max(...L.fields.map((f) => f.length)) + 2;
  const text = [message, '', ...L.fields.map((f, i) => `${`${f}:`.padEnd(width)}${values[i]}`), '', L.footer, `${L.alertId}: ${a.id}`].join(
    '\n',
  );
  return { subject, text };
}
