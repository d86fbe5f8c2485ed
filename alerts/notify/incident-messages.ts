import { INCIDENT_WORDS, incidentTitle, type AlertTextLang, type IncidentEvent } from '../../core/index.js';
import { localDateTime } from './messages.js';
import type { Rendered } from './target-sender.js';

/** Names the catalogue gives an incident's zone and water, for people. */
export type IncidentNames = (event: IncidentEvent) => { zone?: string; water?: string };

const FIELDS: Record<
  AlertTextLang,
  { event: string; state: string; since: string; stations: string; timeline: string; id: string; footer: string }
> = {
  vi: {
    event: 'Sự kiện',
    state: 'Tình trạng',
    since: 'Bắt đầu',
    stations: 'Các trạm',
    timeline: 'Diễn biến gần nhất',
    id: 'Mã sự cố',
    footer: 'Các cảnh báo của sự cố này không gửi thông báo riêng. Tiếp nhận sự cố trên bảng điều khiển quantrac.',
  },
  en: {
    event: 'Event',
    state: 'State',
    since: 'Started',
    stations: 'Stations',
    timeline: 'Latest in its timeline',
    id: 'Incident id',
    footer: 'The alerts of this incident send no messages of their own. Take it on the quantrac dashboard.',
  },
};

/** One incident event as on-call staff read it, in `lang`: the e-mail, and the webhook body (the incident whole, for machines). */
export function renderIncident(subjectPrefix: string, event: IncidentEvent, lang: AlertTextLang, names: IncidentNames): Rendered {
  const i = event.incident;
  const W = INCIDENT_WORDS[lang];
  const F = FIELDS[lang];
  const title = incidentTitle(i, lang, names(event));
  const label = W.event[event.type];
  const subject = `${subjectPrefix} ${W.incident.toUpperCase()} ${W.severity[i.severity].toUpperCase()} ${label}: ${title}`.replace(
    /\s+/g,
    ' ',
  );
  const byStation = new Map<string, string[]>();
  for (const m of i.members) byStation.set(m.station, [...(byStation.get(m.station) ?? []), m.parameter]);
  const projection = i.projection
    ? W.forecast(i.projection.parameter, i.projection.station, localDateTime(i.projection.at, lang))
    : undefined;
  const text = [
    title,
    '',
    `${F.event}: ${label} (${localDateTime(event.at, lang)})`,
    `${F.state}: ${W.state[i.state]}${i.cause ? ` — ${W.cause[i.cause]}` : ''}${i.note ? ` ("${i.note}")` : ''}`,
    `${F.since}: ${localDateTime(i.startedAt, lang)}`,
    `${F.stations}: ${[...byStation].map(([s, ps]) => `${s} (${[...new Set(ps)].join(', ')})`).join('; ')}`,
    ...(projection ? [projection] : []),
    '',
    `${F.timeline}:`,
    ...i.timeline
      .slice(-8)
      .map((t) => `  ${localDateTime(t.at, lang)}  ${t.type}${t.station ? ` ${t.station}` : ''}${t.parameter ? ` ${t.parameter}` : ''}`),
    '',
    F.footer,
    `${F.id}: ${i.id}`,
  ].join('\n');
  return {
    subject,
    text,
    eventType: `incident.${event.type}`,
    webhook: { type: `incident.${event.type}`, at: event.at, lang, label, text: title, incident: i },
  };
}
