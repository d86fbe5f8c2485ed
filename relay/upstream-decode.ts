import { AlertEventSchema, StatusSchema, type AlertEvent, type Status } from '../core/index.js';
import { parseLineProtocol } from '../platform/index.js';

/** A station id per docs/PROTOCOL.md, "Identity": anything else cannot be an upstream topic. */
const STATION = /^[A-Z0-9][A-Z0-9_-]{2,63}$/;
const SEQ_LINE = /^#seq ([^ ]+) (\d{1,15})$/;

/** One accepted reading as the spool holds it (measurement `reading`, docs/ARCHITECTURE.md, "Schema"). */
export interface SpoolReading {
  kind: 'reading';
  station: string;
  zone: string;
  parameter: string;
  status: Status;
  value: number;
  ts: number;
}

/**
 * What one spool line means to the relay: a reading; the `#seq` comment ingest writes before a
 * gateway message's readings; an alert event; a line skipped on purpose (`alert_silence`:
 * maintenance windows are local; blank lines); or a line skipped and counted, with the reason.
 */
export type SpoolItem =
  | SpoolReading
  | { kind: 'seq'; station: string; seq: number }
  | { kind: 'alert'; station: string; event: AlertEvent }
  | { kind: 'ignore' }
  | { kind: 'skip'; reason: string };

const skip = (reason: string): SpoolItem => ({ kind: 'skip', reason });

/** Decodes one spool line (without its newline). Never throws: a line it cannot use is a `skip` with a reason. */
export function decodeSpoolLine(line: string): SpoolItem {
  if (line.trim() === '') return { kind: 'ignore' };
  if (line.startsWith('#')) return decodeComment(line);
  const parsed = parseLineProtocol(line);
  if (typeof parsed === 'string') return skip(`line protocol: ${parsed}`);
  if (parsed.measurement === 'alert_silence') return { kind: 'ignore' };
  if (parsed.ts === undefined || !Number.isSafeInteger(parsed.ts)) return skip(`${parsed.measurement} without a timestamp`);
  if (parsed.measurement === 'reading') return decodeReading(parsed.tags, parsed.fields.value, parsed.ts);
  if (parsed.measurement === 'alert_event') return decodeAlertEvent(parsed.tags.type, parsed.fields.alert, parsed.ts);
  return skip(`measurement ${JSON.stringify(parsed.measurement.slice(0, 40))} is not relayed`);
}

function decodeComment(line: string): SpoolItem {
  const m = SEQ_LINE.exec(line.trimEnd());
  if (!m) return skip('comment line is not #seq <station> <seq>');
  const seq = Number(m[2]);
  if (!STATION.test(m[1]!) || !Number.isSafeInteger(seq)) return skip('bad #seq line');
  return { kind: 'seq', station: m[1]!, seq };
}

function decodeReading(tags: Record<string, string>, value: unknown, ts: number): SpoolItem {
  const { station, zone, parameter } = tags;
  if (station === undefined || !STATION.test(station)) return skip('reading without a valid station tag');
  if (parameter === undefined || parameter === '' || zone === undefined) return skip('reading without parameter or zone tag');
  const status = StatusSchema.safeParse(tags.status ?? '00');
  if (!status.success) return skip('reading with an unknown status');
  if (typeof value !== 'number' || !Number.isFinite(value)) return skip('reading without a numeric value');
  return { kind: 'reading', station, zone, parameter, status: status.data, value, ts };
}

/** The `alert` field is the whole Alert as JSON, the tag `type` the event type (alerts/event-lines.ts). */
function decodeAlertEvent(type: string | undefined, alertJson: unknown, at: number): SpoolItem {
  if (typeof alertJson !== 'string') return skip('alert_event without its alert field');
  let alert: unknown;
  try {
    alert = JSON.parse(alertJson);
  } catch {
    return skip('alert_event whose alert field is not JSON');
  }
  const event = AlertEventSchema.safeParse({ type, at, alert });
  if (!event.success) return skip('alert_event that is not an AlertEvent');
  if (!STATION.test(event.data.alert.station)) return skip('alert_event without a valid station');
  return { kind: 'alert', station: event.data.alert.station, event: event.data };
}
