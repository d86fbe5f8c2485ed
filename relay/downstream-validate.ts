import type { ZodType } from 'zod';
import {
  AlertEventSchema,
  ERROR_CODES,
  parseForwardedTopic,
  RelayStatusSchema,
  type Catalogue,
  type ErrorCode,
  type ForwardedMessage,
  type Rejection,
  type RelayStatus,
} from '../core/index.js';
import type { RelayedEvent } from './downstream-lines.js';

/** A forwarded message checked: what it says, or why it was refused (dead-lettered with these reasons). */
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: Rejection[] };

const refuse = (code: ErrorCode, path = '', message: string = ERROR_CODES[code]): { ok: false; errors: Rejection[] } => ({
  ok: false,
  errors: [{ path, code, message }],
});

/** The payload as JSON checked against `schema`; at most 10 reasons, each naming its field. */
function parsePayload<T>(payload: Buffer, schema: ZodType<T>): Checked<T> {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return refuse('not_json');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), code: 'bad_shape', message: i.message })),
  };
}

/**
 * `stations/{id}/alerts` (docs/PROTOCOL.md, "Between centres"): an AlertEvent of the topic's
 * station, a station of the catalogue that the relay account serves, with an alert id that
 * names that station (the id keys the relayed alerts, so it must not name another's).
 */
export function checkRelayedAlert(
  m: ForwardedMessage,
  catalogue: Pick<Catalogue, 'station'>,
  accountStations: (account: string) => readonly string[] | undefined,
): Checked<RelayedEvent> {
  const topic = parseForwardedTopic(m.topic);
  if (topic?.kind !== 'alert') return refuse('bad_topic');
  const checked = parsePayload(m.payload, AlertEventSchema);
  if (!checked.ok) return checked;
  const event = checked.value;
  const { station } = event.alert;
  if (station !== topic.stationId) return refuse('station_mismatch', 'alert.station');
  if (!catalogue.station(station)) return refuse('unknown_station', 'alert.station');
  if (!accountStations(m.account)?.includes(station))
    return refuse('station_mismatch', 'alert.station', `station is not one the relay account ${m.account} serves`);
  if (!event.alert.id.startsWith(`${station}|`)) return refuse('bad_shape', 'alert.id', 'alert id does not name its station');
  return { ok: true, value: { account: m.account, event } };
}

/** `centres/{account}/relay`: the relay's link state (core/forwarded.ts RelayStatusSchema). */
export function checkRelayStatus(m: ForwardedMessage): Checked<RelayStatus> {
  const topic = parseForwardedTopic(m.topic);
  if (topic?.kind !== 'relay-status' || topic.account !== m.account) return refuse('bad_topic');
  return parsePayload(m.payload, RelayStatusSchema);
}
