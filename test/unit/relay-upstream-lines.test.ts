import { describe, expect, it } from 'vitest';
import { encodeReading } from '../../ingest/line-protocol.js';
import { encodeAlertEvent, encodeSilence } from '../../alerts/event-lines.js';
import { parseLineProtocol } from '../../platform/index.js';
import { decodeSpoolLine } from '../../relay/upstream-decode.js';
import { chunkToUnits, type RelayCatalogue } from '../../relay/upstream-batch.js';
import type { AlertEvent } from '../../core/index.js';

const units: Record<string, string> = { SO2: 'mg/Nm3', O2: '%', 'P M,x=y': 'mg/Nm3' };
const catalogue: RelayCatalogue = {
  stations: [{ id: 'ST-ONE' }, { id: 'ST-TWO' }],
  station: (id) => (id === 'ST-ONE' || id === 'ST-TWO' ? { id } : undefined),
  stationParameter: (id, p) => (id.startsWith('ST-') && units[p] ? { unit: units[p] } : undefined),
};

const reading = (
  station: string,
  parameter: string,
  value: number,
  ts: number,
  zone = 'Bắc Ninh',
  status: '00' | '01' | '02' = '00',
): string => encodeReading({ station, zone, parameter, value, unit: 'x', status, ts, receivedAt: ts });

const alertEvent: AlertEvent = {
  type: 'raised',
  at: 1_700_000_000_123,
  alert: {
    id: 'ST-ONE|SO2|threshold',
    station: 'ST-ONE',
    zone: 'Bắc Ninh',
    parameter: 'SO2',
    rule: 'threshold',
    severity: 'critical',
    state: 'firing',
    message: 'SO2 "high", 600 > 500 \\ note\nnext, a=b',
    value: 600,
    limit: 500,
    since: 1_700_000_000_000,
    updatedAt: 1_700_000_000_123,
    note: 'quote " backslash \\ comma, equals=',
  },
};

function chunk(lines: string[]): Buffer {
  return Buffer.from(lines.map((l) => `${l}\n`).join(''));
}

describe('relay: line protocol', () => {
  it('reads escaped tags, string fields with escapes, integers, booleans and the timestamp', () => {
    const parsed = parseLineProtocol('m\\ x,a\\,b=c\\ d\\=e,k=v s="q\\"uo\\\\te, x=1",i=-12i,f=1.5e3,b=t 1700000000000');
    expect(parsed).toEqual({
      measurement: 'm x',
      tags: { 'a,b': 'c d=e', k: 'v' },
      fields: { s: 'q"uo\\te, x=1', i: -12, f: 1500, b: true },
      ts: 1_700_000_000_000,
    });
  });

  it('answers why a line does not parse, and never throws', () => {
    expect(parseLineProtocol('reading,station=X')).toBe('no field set');
    expect(parseLineProtocol('reading value="open 1')).toBe('unterminated string field');
    expect(parseLineProtocol('reading value=abc 1')).toMatch(/bad field value/);
    expect(parseLineProtocol('reading value=1 12:00')).toMatch(/bad timestamp/);
    expect(parseLineProtocol('reading,k value=1 1')).toMatch(/has no value/);
  });
});

describe('relay: spool lines', () => {
  it('decodes a reading as ingest encodes it, escaped tags included', () => {
    expect(decodeSpoolLine(reading('ST-ONE', 'P M,x=y', 21.5, 1_700_000_000_000, 'Zone A, B=C', '01'))).toEqual({
      kind: 'reading',
      station: 'ST-ONE',
      zone: 'Zone A, B=C',
      parameter: 'P M,x=y',
      status: '01',
      value: 21.5,
      ts: 1_700_000_000_000,
    });
  });

  it('decodes an alert event as the alerts store it, escaped JSON and all', () => {
    expect(decodeSpoolLine(encodeAlertEvent(alertEvent))).toEqual({ kind: 'alert', station: 'ST-ONE', event: alertEvent });
  });

  it('ignores silences and blank lines, reads #seq, and skips the rest with a reason', () => {
    expect(decodeSpoolLine(encodeSilence({ id: 's1', station: 'ST-ONE', from: 1, until: 2, by: 'op', reason: 'maintenance' }))).toEqual({
      kind: 'ignore',
    });
    expect(decodeSpoolLine('')).toEqual({ kind: 'ignore' });
    expect(decodeSpoolLine('#seq ST-ONE 1042')).toEqual({ kind: 'seq', station: 'ST-ONE', seq: 1042 });
    for (const bad of [
      'cpu,host=a usage=1 1',
      'reading,parameter=SO2,station=ST-ONE,status=07,zone=Z value=1 1',
      'reading,parameter=SO2,station=bad id,status=00,zone=Z value=1 1',
      'reading,parameter=SO2,station=ST-ONE,status=00,zone=Z value=1',
      'reading,parameter=SO2,station=ST-ONE,status=00,zone=Z value="1" 1',
      'alert_event,type=raised alert="{not json" 1',
      'alert_event,type=bogus alert="{}" 1',
      '#seq ST-ONE x',
      '#note',
      '\u0000\u0000garbage',
    ]) {
      const item = decodeSpoolLine(bad);
      expect(item.kind, bad).toBe('skip');
    }
  });
});

describe('relay: messages from a chunk', () => {
  const skipped: string[] = [];
  const options = { catalogue, batchReadings: 3, onSkip: (reason: string) => void skipped.push(reason) };

  it('groups consecutive readings of a station, each with its own ts and the catalogue unit, split at batchReadings', () => {
    const lines = [1, 2, 3, 4].map((i) => reading('ST-ONE', 'SO2', i, 1000 + i)).concat([reading('ST-TWO', 'O2', 8.1, 2000)]);
    const data = chunk(lines);
    const out = chunkToUnits(data, 500, options);
    expect(out.map((u) => [u.end, u.lines, u.message?.topic, u.message?.readings])).toEqual([
      [500 + chunk(lines.slice(0, 3)).length, 3, 'stations/ST-ONE/readings', 3],
      [500 + chunk(lines.slice(0, 4)).length, 1, 'stations/ST-ONE/readings', 1],
      [500 + data.length, 1, 'stations/ST-TWO/readings', 1],
    ]);
    expect(JSON.parse(out[0]!.message!.payload)).toEqual({
      station: 'ST-ONE',
      ts: 1001,
      readings: [1, 2, 3].map((i) => ({ parameter: 'SO2', value: i, unit: 'mg/Nm3', status: '00', ts: 1000 + i })),
    });
  });

  it('starts a new message at each #seq line, which carries that seq (only its first part when split)', () => {
    const lines = [
      reading('ST-ONE', 'SO2', 1, 1),
      '#seq ST-ONE 7',
      ...[2, 3, 4, 5].map((i) => reading('ST-ONE', 'SO2', i, i)),
      '#seq ST-ONE 8',
      reading('ST-ONE', 'O2', 6, 6),
    ];
    const out = chunkToUnits(chunk(lines), 0, options);
    const bodies = out.map((u) => JSON.parse(u.message!.payload) as { seq?: number; readings: unknown[] });
    expect(bodies.map((b) => [b.seq, b.readings.length])).toEqual([
      [undefined, 1],
      [7, 3],
      [undefined, 1],
      [8, 1],
    ]);
    expect(out.map((u) => u.lines)).toEqual([1, 4, 1, 2]);
  });

  it('sends an alert event alone on stations/{id}/alerts; skipped lines are counted and passed by the last unit', () => {
    skipped.length = 0;
    const lines = [
      reading('ST-ONE', 'SO2', 1, 1),
      encodeAlertEvent(alertEvent),
      reading('ST-ONE', 'SO2', 2, 2),
      encodeSilence({ id: 's', station: 'ST-ONE', from: 1, until: 2, by: 'op' }),
      reading('ST-ONE', 'NOPE', 3, 3),
      'not line protocol at all',
    ];
    const data = chunk(lines);
    const out = chunkToUnits(data, 0, options);
    expect(out.map((u) => [u.message?.topic, u.lines])).toEqual([
      ['stations/ST-ONE/readings', 1],
      ['stations/ST-ONE/alerts', 1],
      ['stations/ST-ONE/readings', 1],
      [undefined, 3],
    ]);
    expect(out.at(-1)!.end).toBe(data.length);
    expect(JSON.parse(out[1]!.message!.payload)).toEqual(alertEvent);
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toMatch(/NOPE is not in the catalogue/);
  });

  it('counts lines and offsets in bytes, not characters (UTF-8 zones), and takes a torn last line as a line', () => {
    const lines = [reading('ST-ONE', 'SO2', 1, 1, 'Đồng Nai'), reading('ST-TWO', 'SO2', 2, 2, 'Hà Nội')];
    const data = Buffer.concat([chunk(lines), Buffer.from('reading,parameter=SO2,sta')]);
    const out = chunkToUnits(data, 10, options);
    expect(out.map((u) => [u.end, u.lines])).toEqual([
      [10 + Buffer.byteLength(`${lines[0]}\n`), 1],
      [10 + chunk(lines).length, 1],
      [10 + data.length, 1],
    ]);
  });
});
