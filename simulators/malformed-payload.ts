import type { MalformedKind } from './scenario-schema.js';

export interface WireReading {
  parameter: string;
  value: number;
  unit: string;
  status: string;
  ts?: string;
}

export interface WireMessage {
  station: string;
  ts?: string;
  seq: number;
  readings: WireReading[];
}

export interface MalformedPayload {
  payload: Buffer;
  /** The error code the centre is expected to answer with (PROTOCOL.md, "Acceptance and rejection"). */
  code: string;
  /** Whole message refused, or only the first reading (the others are stored). */
  whole: boolean;
}

/**
 * The defects gateways in the field really send, one per kind. Per-reading defects spoil only
 * the first reading, so the test can check that the good readings of the same message are
 * stored; whole-message defects spoil everything.
 */
export function malformedPayload(kind: MalformedKind, message: WireMessage, measuredAt: number, now = Date.now()): MalformedPayload {
  const json = (body: unknown): Buffer => Buffer.from(JSON.stringify(body));
  const first = (patch: Record<string, unknown>): Buffer =>
    json({ ...message, readings: [{ ...message.readings[0], ...patch }, ...message.readings.slice(1)] });
  switch (kind) {
    case 'not_json':
      return { payload: Buffer.from(JSON.stringify(message).slice(0, 40)), code: 'not_json', whole: true };
    case 'not_utf8':
      return {
        payload: Buffer.concat([Buffer.from('{"station":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
        code: 'not_utf8',
        whole: true,
      };
    case 'bad_shape':
      return { payload: json(message.readings), code: 'bad_shape', whole: true };
    case 'station_mismatch':
      return { payload: json({ ...message, station: `${message.station}-X` }), code: 'station_mismatch', whole: true };
    case 'missing_readings':
      return { payload: json({ station: message.station, ts: message.ts, seq: message.seq }), code: 'missing_field', whole: true };
    case 'unknown_parameter':
      return { payload: first({ parameter: 'XYZ' }), code: 'unknown_parameter', whole: false };
    case 'unit_mismatch':
      return { payload: first({ unit: 'kg/h' }), code: 'unit_mismatch', whole: false };
    case 'wrong_type':
      return { payload: first({ value: String(message.readings[0]!.value).replace('.', ',') }), code: 'wrong_type', whole: false };
    // JSON has no NaN; 1e999 parses to Infinity, which is what a broken firmware's overflow looks like.
    case 'not_finite':
      return {
        payload: Buffer.from(
          JSON.stringify({ ...message, readings: [{ ...message.readings[0], value: '__INF__' }, ...message.readings.slice(1)] }).replace(
            '"__INF__"',
            '1e999',
          ),
        ),
        code: 'not_finite',
        whole: false,
      };
    case 'bad_status':
      return { payload: first({ status: '03' }), code: 'bad_status', whole: false };
    case 'bad_timestamp':
      return { payload: first({ ts: '27/11/2026 08:15' }), code: 'bad_timestamp', whole: false };
    case 'too_old':
      return { payload: first({ ts: measuredAt - 31 * 86_400_000 }), code: 'too_old', whole: false };
    // Ahead of the centre's clock, whatever time the run plays (a compressed run is in the past).
    case 'in_future':
      return { payload: first({ ts: Math.max(measuredAt, now) + 10 * 60_000 }), code: 'in_future', whole: false };
  }
}
