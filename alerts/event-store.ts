import { AlertEventTypeSchema, type Alert, type AlertEvent, type AlertFilter, type Silence } from '../core/index.js';
import { ALERT_EVENT, ALERT_SILENCE, parseAlertJson, parseSilenceRow } from './event-lines.js';

/** InfluxQL over `/query`, returning the first statement's series (main passes `ingest.influx.query`). */
export type QueryFn = (
  influxql: string,
) => Promise<Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>>;

/** InfluxQL string literal: backslash and single quote escaped. */
const lit = (s: string): string => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

const rows = (series: Awaited<ReturnType<QueryFn>>): Array<Record<string, unknown>> =>
  series.flatMap((s) =>
    s.values.map((v) => {
      const row: Record<string, unknown> = { ...s.tags };
      s.columns.forEach((c, i) => {
        row[c] = v[i];
      });
      return row;
    }),
  );

/**
 * Open alerts as InfluxDB last saw them: the latest event of every (station, parameter, rule),
 * kept when that alert was not resolved. Restoring from this is what makes a restart quiet
 * (Kapacitor re-fires every alert after a restart).
 */
export async function loadOpenAlerts(query: QueryFn, station?: string): Promise<Array<{ alert: Alert; at: number }>> {
  const where = station === undefined ? '' : ` WHERE "station" = ${lit(station)}`;
  const series = await query(`SELECT last("alert") AS "alert" FROM "${ALERT_EVENT}"${where} GROUP BY "station", "parameter", "rule"`);
  const out: Array<{ alert: Alert; at: number }> = [];
  for (const row of rows(series)) {
    const alert = parseAlertJson(row.alert);
    if (alert && alert.state !== 'resolved' && alert.state !== 'pending') out.push({ alert, at: Number(row.time) });
  }
  return out;
}

/** Maintenance windows still in force at `now`. */
export async function loadSilences(query: QueryFn, now: number): Promise<Silence[]> {
  const series = await query(`SELECT * FROM "${ALERT_SILENCE}" WHERE "until" > ${Math.trunc(now)}`);
  return rows(series)
    .map(parseSilenceRow)
    .filter((s): s is Silence => s !== undefined);
}

/** Past alert events, newest first, filtered by tags and time. */
export async function loadHistory(query: QueryFn, filter: AlertFilter = {}): Promise<AlertEvent[]> {
  const cond: string[] = [];
  if (filter.station !== undefined) cond.push(`"station" = ${lit(filter.station)}`);
  if (filter.zone !== undefined) cond.push(`"zone" = ${lit(filter.zone)}`);
  if (filter.severity !== undefined) cond.push(`"severity" = ${lit(filter.severity)}`);
  if (filter.rule !== undefined) cond.push(`"rule" = ${lit(filter.rule)}`);
  if (filter.from !== undefined && Number.isFinite(filter.from)) cond.push(`time >= ${Math.trunc(filter.from)}ms`);
  if (filter.to !== undefined && Number.isFinite(filter.to)) cond.push(`time <= ${Math.trunc(filter.to)}ms`);
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 500), 1), 10_000);
  const where = cond.length > 0 ? ` WHERE ${cond.join(' AND ')}` : '';
  const series = await query(`SELECT "alert", "type" FROM "${ALERT_EVENT}"${where} ORDER BY time DESC LIMIT ${limit}`);
  const out: AlertEvent[] = [];
  for (const row of rows(series)) {
    const alert = parseAlertJson(row.alert);
    const type = AlertEventTypeSchema.safeParse(row.type);
    if (alert && type.success) out.push({ type: type.data, at: Number(row.time), alert });
  }
  return out;
}
