import { AlertEventSchema, type AlertEvent, type InfluxQuery } from '../core/index.js';
import { lineString, lineTag } from '../platform/index.js';

/** The measurement of alert events a province centre forwarded (docs/PROTOCOL.md, "Between centres"). */
export const RELAYED_ALERT_EVENT = 'relayed_alert_event';

/** A relayed event and the relay account it came through. */
export interface RelayedEvent {
  account: string;
  event: AlertEvent;
}

/**
 * One relayed alert event as a point: tags account, parameter, rule, severity, station, type,
 * zone (parameter, so that the latest event per alert id can be asked of InfluxDB); the whole
 * event as JSON in the `alert` field; the event's own time in ms. Kept apart from `alert_event`,
 * which is this centre's own rules' record.
 */
export function encodeRelayedEvent({ account, event }: RelayedEvent): string {
  const a = event.alert;
  const tags = [
    `account=${lineTag(account)}`,
    `parameter=${lineTag(a.parameter)}`,
    `rule=${lineTag(a.rule)}`,
    `severity=${lineTag(a.severity)}`,
    `station=${lineTag(a.station)}`,
    `type=${lineTag(event.type)}`,
    `zone=${lineTag(a.zone)}`,
  ];
  return `${RELAYED_ALERT_EVENT},${tags.join(',')} alert=${lineString(JSON.stringify(event))} ${Math.trunc(event.at)}`;
}

/** The event JSON of a stored point; undefined when it does not parse (a bad row is skipped, never thrown). */
export function parseRelayedEvent(text: unknown): AlertEvent | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = AlertEventSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The latest relayed event of every alert (account, station, parameter, rule) since `sinceMs`. */
export async function loadRelayedEvents(query: InfluxQuery, sinceMs: number): Promise<RelayedEvent[]> {
  const series = await query(
    `SELECT last("alert") AS "alert" FROM "${RELAYED_ALERT_EVENT}" WHERE time > ${Math.trunc(sinceMs)}ms GROUP BY "account", "station", "parameter", "rule"`,
  );
  const out: RelayedEvent[] = [];
  for (const s of series) {
    const account = s.tags?.account;
    const column = s.columns.indexOf('alert');
    if (!account || column < 0) continue;
    for (const row of s.values) {
      const event = parseRelayedEvent(row[column]);
      if (event) out.push({ account, event });
    }
  }
  return out;
}
