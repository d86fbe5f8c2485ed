import { AlertSchema, SilenceSchema, type Alert, type AlertEvent, type Silence } from '../core/index.js';
import { lineString as str, lineTag as tag } from '../platform/index.js';

// Notes and reasons are user text (acknowledge, silence): platform's escaping makes them safe.
const int = (n: number): string => `${Math.trunc(n)}i`;
const float = (n: number): string => (Number.isInteger(n) ? `${n}.0` : String(n));

export const ALERT_EVENT = 'alert_event';
export const ALERT_SILENCE = 'alert_silence';

/**
 * One alert event as an `alert_event` point (docs/ARCHITECTURE.md, "Schema"): tags station, zone,
 * parameter, rule, type, severity; fields the rest, with the whole alert as JSON so the state
 * can be restored exactly; ms timestamp of the event (strictly increasing per alert).
 */
export function encodeAlertEvent(e: AlertEvent): string {
  const a = e.alert;
  const fields = [
    `alert=${str(JSON.stringify(a))}`,
    `id=${str(a.id)}`,
    `state=${str(a.state)}`,
    `message=${str(a.message)}`,
    `since=${int(a.since)}`,
  ];
  if (a.value !== undefined && Number.isFinite(a.value)) fields.push(`value=${float(a.value)}`);
  if (a.limit !== undefined && Number.isFinite(a.limit)) fields.push(`limit=${float(a.limit)}`);
  if (a.firedAt !== undefined) fields.push(`fired_at=${int(a.firedAt)}`);
  if (a.forecastAt !== undefined) fields.push(`forecast_at=${int(a.forecastAt)}`);
  if (a.acknowledgedBy !== undefined) fields.push(`acknowledged_by=${str(a.acknowledgedBy)}`);
  if (a.note !== undefined) fields.push(`note=${str(a.note)}`);
  return `${ALERT_EVENT},parameter=${tag(a.parameter)},rule=${a.rule},severity=${a.severity},station=${tag(a.station)},type=${e.type},zone=${tag(a.zone)} ${fields.join(',')} ${Math.trunc(e.at)}`;
}

/** A maintenance window as an `alert_silence` point, so silences survive a restart too. */
export function encodeSilence(s: Silence): string {
  const fields = [`id=${str(s.id)}`, `from=${int(s.from)}`, `until=${int(s.until)}`, `by=${str(s.by)}`];
  if (s.reason !== undefined) fields.push(`reason=${str(s.reason)}`);
  return `${ALERT_SILENCE},parameter=${tag(s.parameter ?? '*')},station=${tag(s.station)} ${fields.join(',')} ${Math.trunc(s.from)}`;
}

/** The alert JSON of a stored event; undefined when it does not parse (never throws on bad rows). */
export function parseAlertJson(text: unknown): Alert | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = AlertSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function parseSilenceRow(row: Record<string, unknown>): Silence | undefined {
  const parsed = SilenceSchema.safeParse({
    id: row.id,
    station: row.station,
    parameter: row.parameter === '*' || row.parameter === null ? undefined : row.parameter,
    from: row.from,
    until: row.until,
    by: row.by,
    reason: row.reason ?? undefined,
  });
  return parsed.success ? parsed.data : undefined;
}
