import type { Incident, IncidentTimelineEntry, StationSummary } from '../../../../core/index.js';
// The files themselves, not core/index.ts: the bundle takes pure functions, never zod.
import { INCIDENT_WORDS, incidentStations, incidentTitle, type IncidentWords } from '../../../../core/incident-text.js';
import { api } from '../api.js';
import { formatDateTime } from '../format-clock.js';
import { lang, t, type MessageKey } from '../i18n/index.js';

/** What the incident views know of the catalogue: the stations by id (zone names, units). */
export type Stations = ReadonlyMap<string, StationSummary>;

/** The shared incident words in the page's language. */
export const words = (): IncidentWords => INCIDENT_WORDS[lang()];

/** One incident by its id (`GET /api/incidents/{id}`), as its page and its printed report load it. */
export async function fetchIncident(id: string): Promise<Incident> {
  const body = await api<{ incident: Incident }>(`/api/incidents/${encodeURIComponent(id)}`);
  return body.incident;
}

/** An incident's one-line title with the catalogue's zone name (the zone id otherwise). */
export function titleOf(i: Incident, stations: Stations): string {
  const zone = [...stations.values()].find((s) => s.zoneId === i.zone)?.zoneName;
  const water = [...stations.values()].find((s) => s.water !== undefined && s.water.body === i.water)?.water?.name;
  return incidentTitle(i, lang(), { ...(zone !== undefined ? { zone } : {}), ...(water !== undefined ? { water } : {}) });
}

const SEVERITY_RANK: Record<Incident['severity'], number> = { critical: 0, warning: 1 };

/** Worst first: critical, then the widest spread, then the oldest. */
export function byWorst(a: Incident, b: Incident): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    incidentStations(b).length - incidentStations(a).length ||
    a.startedAt - b.startedAt ||
    a.id.localeCompare(b.id)
  );
}

/** A station's name as the page shows it: "BN-YP-01 Name" when the catalogue knows it. */
export function stationName(id: string, stations: Stations): string {
  const s = stations.get(id);
  return s ? `${s.id} ${s.name}` : id;
}

/** "Dự báo: COD tại BN-YP-03 … vượt giới hạn lúc 2024-…" or undefined when nothing is forecast. */
export function projectionText(i: Incident, stations: Stations): string | undefined {
  const p = i.projection;
  if (!p) return undefined;
  return words().forecast(p.parameter, stationName(p.station, stations), formatDateTime(p.at));
}

/** One timeline line: what happened, to which station and parameter, by whom. */
export function timelineText(e: IncidentTimelineEntry, stations: Stations): string {
  const what = t(`inc_tl_${e.type}` as MessageKey);
  const where = e.station !== undefined ? `${stationName(e.station, stations)}${e.parameter ? ` · ${e.parameter}` : ''}` : '';
  const by = e.by !== undefined ? t('inc_by', { by: e.by }) : '';
  return [what, where, by].filter((x) => x !== '').join(' — ');
}

/** The distinct series (station, parameter) of the members, in the order they joined. */
export function memberSeries(i: Incident): Array<{ station: string; parameter: string }> {
  const seen = new Set<string>();
  const out: Array<{ station: string; parameter: string }> = [];
  for (const m of [...i.members].sort((a, b) => a.joinedAt - b.joinedAt)) {
    const key = `${m.station}|${m.parameter}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ station: m.station, parameter: m.parameter });
  }
  return out;
}

/** Charts window start: half an hour before the incident began, so the rise is seen. */
export const CHART_LEAD_MS = 30 * 60_000;

/** The end of the charts' window: the closing, else `now` rounded up to the minute (charts reload only when it moves). */
export const chartEnd = (i: Incident, now: number): number => i.closedAt ?? Math.ceil(now / 60_000) * 60_000;

/** The worst open incident severity per zone: the map's risk level. */
export function zoneRisk(incidents: readonly Incident[]): Map<string, Incident['severity']> {
  const out = new Map<string, Incident['severity']>();
  for (const i of incidents) {
    if (i.state === 'closed') continue;
    if (out.get(i.zone) !== 'critical') out.set(i.zone, i.severity);
  }
  return out;
}
