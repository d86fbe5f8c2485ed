import { IncidentEventTypeSchema, IncidentSchema, type Incident, type IncidentEvent } from '../core/index.js';
import { lineString as str, lineTag as tag } from '../platform/index.js';

export const INCIDENT_EVENT = 'incident_event';

/** InfluxQL over `/query`, returning the first statement's series (main passes `ingest.influx.query`). */
export type QueryFn = (
  influxql: string,
) => Promise<Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>>;

/** InfluxDB 1.x keeps string fields up to 64 KB: the stored timeline keeps its first and latest entries below that. */
const MAX_JSON = 60_000;

const lit = (s: string): string => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** The incident as stored JSON, its timeline shortened (first entry kept) until it fits. */
export function incidentJson(incident: Incident): string {
  let json = JSON.stringify(incident);
  let keep = incident.timeline.length;
  while (json.length > MAX_JSON && keep > 2) {
    keep = Math.floor(keep / 2);
    const t = incident.timeline;
    json = JSON.stringify({ ...incident, timeline: [t[0]!, ...t.slice(t.length - keep + 1)] });
  }
  return json;
}

/**
 * One incident event as an `incident_event` point (docs/ARCHITECTURE.md, "Schema"): tags
 * incident id, zone, kind, severity, type; the whole incident as JSON so that its state can be
 * restored exactly after a restart, without telling anyone again.
 */
export function encodeIncidentEvent(e: IncidentEvent): string {
  const i = e.incident;
  const fields = [
    `incident=${str(incidentJson(i))}`,
    `state=${str(i.state)}`,
    `members=${i.members.length}i`,
    `started_at=${Math.trunc(i.startedAt)}i`,
  ];
  if (i.cause !== undefined) fields.push(`cause=${str(i.cause)}`);
  return `${INCIDENT_EVENT},id=${tag(i.id)},kind=${i.kind},severity=${i.severity},type=${e.type},zone=${tag(i.zone)} ${fields.join(',')} ${Math.trunc(e.at)}`;
}

export function parseIncidentJson(text: unknown): Incident | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = IncidentSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const rows = (series: Awaited<ReturnType<QueryFn>>): Array<Record<string, unknown>> =>
  series.flatMap((s) =>
    s.values.map((v) => {
      const row: Record<string, unknown> = { ...s.tags };
      s.columns.forEach((c, i) => (row[c] = v[i]));
      return row;
    }),
  );

/** Incidents still open as InfluxDB last saw them: the latest event of every incident, kept unless closed. */
export async function loadOpenIncidents(query: QueryFn): Promise<Incident[]> {
  const series = await query(`SELECT last("incident") AS "incident" FROM "${INCIDENT_EVENT}" GROUP BY "id"`);
  return rows(series)
    .map((r) => parseIncidentJson(r.incident))
    .filter((i): i is Incident => i !== undefined && i.state !== 'closed');
}

export interface IncidentHistoryFilter {
  id?: string;
  zone?: string;
  from?: number;
  to?: number;
  limit?: number;
}

/** Past incident events, newest first. */
export async function loadIncidentEvents(query: QueryFn, filter: IncidentHistoryFilter = {}): Promise<IncidentEvent[]> {
  const cond: string[] = [];
  if (filter.id !== undefined) cond.push(`"id" = ${lit(filter.id)}`);
  if (filter.zone !== undefined) cond.push(`"zone" = ${lit(filter.zone)}`);
  if (filter.from !== undefined && Number.isFinite(filter.from)) cond.push(`time >= ${Math.trunc(filter.from)}ms`);
  if (filter.to !== undefined && Number.isFinite(filter.to)) cond.push(`time <= ${Math.trunc(filter.to)}ms`);
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 200), 1), 5_000);
  const where = cond.length > 0 ? ` WHERE ${cond.join(' AND ')}` : '';
  const series = await query(`SELECT "incident", "type" FROM "${INCIDENT_EVENT}"${where} ORDER BY time DESC LIMIT ${limit}`);
  const out: IncidentEvent[] = [];
  for (const row of rows(series)) {
    const incident = parseIncidentJson(row.incident);
    const type = IncidentEventTypeSchema.safeParse(row.type);
    if (incident && type.success) out.push({ type: type.data, at: Number(row.time), incident });
  }
  return out;
}
