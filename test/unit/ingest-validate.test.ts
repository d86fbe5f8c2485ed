import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue } from '../../core/index.js';
import { createReadingEncoder, encodeReading, MAX_PAYLOAD_BYTES, validateMessage } from '../../ingest/index.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));
const STATION = 'BN-YENPHONG-F001-NT1';
const NOW = Date.parse('2026-11-27T01:15:00Z');
const WINDOW = { maxAgeMs: 30 * 86_400_000, maxAheadMs: 300_000 };
let catalogue: Catalogue;

beforeAll(async () => {
  catalogue = await loadCatalogue(SEED);
});

const check = (body: unknown, station = STATION) =>
  validateMessage(
    station,
    Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    NOW,
    catalogue,
    WINDOW,
  );
const msg = (readings: unknown[], extra: Record<string, unknown> = {}) => ({
  station: STATION,
  ts: '2026-11-27T08:15:00+07:00',
  seq: 7,
  readings,
  ...extra,
});
const cod = { parameter: 'COD', value: 54.2, unit: 'mg/L', status: '00' };

describe('validateMessage: whole-message rejections (PROTOCOL.md, "Acceptance and rejection")', () => {
  it.each([
    ['not JSON', '{"station": ', 'not_json'],
    ['a JSON array', '[1,2,3]', 'bad_shape'],
    ['JSON null', 'null', 'bad_shape'],
    ['a JSON string', '"hello"', 'bad_shape'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'not_utf8'],
    ['missing station', { ts: 1, readings: [cod] }, 'missing_field'],
    ['station mismatch', { ...msg([cod]), station: 'BN-YENPHONG-F002-NT1' }, 'station_mismatch'],
    ['station with line-protocol breakers', { ...msg([cod]), station: 'A,b=c d\\"\n' }, 'station_mismatch'],
    ['missing readings', { station: STATION, ts: 1 }, 'missing_field'],
    ['readings not an array', msg([], { readings: { a: 1 } }), 'wrong_type'],
    ['empty readings', msg([]), 'no_readings'],
    ['seq negative', msg([cod], { seq: -1 }), 'wrong_type'],
    ['seq a string', msg([cod], { seq: '7' }), 'wrong_type'],
    ['1,001 readings', msg(Array.from({ length: 1001 }, () => cod)), 'too_many_readings'],
  ])('%s -> %s', (_name, body, code) => {
    const r = check(body);
    expect(r.wholeMessage).toBe(true);
    expect(r.accepted).toHaveLength(0);
    expect(r.rejections.map((x) => x.code)).toEqual([code]);
  });

  it('a payload of 256 KiB + 1 is too_large; exactly 256 KiB is read', () => {
    const pad = (n: number): Buffer => {
      const base = JSON.stringify(msg([cod], { note: '' }));
      return Buffer.from(base.replace('"note":""', `"note":"${'x'.repeat(n - Buffer.byteLength(base))}"`));
    };
    expect(pad(MAX_PAYLOAD_BYTES + 1).length).toBe(MAX_PAYLOAD_BYTES + 1);
    expect(check(pad(MAX_PAYLOAD_BYTES + 1)).rejections[0]!.code).toBe('too_large');
    const atLimit = check(pad(MAX_PAYLOAD_BYTES));
    expect(atLimit.rejections).toEqual([]);
    expect(atLimit.accepted).toHaveLength(1);
  });

  it('an unknown station (not in the catalogue) is refused whole', () => {
    expect(check({ ...msg([cod]), station: 'XX-NOWHERE-1' }, 'XX-NOWHERE-1').rejections[0]!.code).toBe('unknown_station');
  });
});

describe('validateMessage: per-reading rejections keep the valid neighbours', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['missing parameter', { value: 1, unit: 'mg/L' }, 'missing_field', 'readings[1].parameter'],
    ['parameter not a string', { parameter: 5, value: 1, unit: 'mg/L' }, 'wrong_type', 'readings[1].parameter'],
    ['unknown parameter', { parameter: 'SO2', value: 1, unit: 'mg/Nm3' }, 'unknown_parameter', 'readings[1].parameter'],
    ['parameter in the wrong case', { parameter: 'cod', value: 1, unit: 'mg/L' }, 'unknown_parameter', 'readings[1].parameter'],
    ['missing value', { parameter: 'TSS', unit: 'mg/L' }, 'missing_field', 'readings[1].value'],
    ['value a string', { parameter: 'TSS', value: '12', unit: 'mg/L' }, 'wrong_type', 'readings[1].value'],
    ['value null', { parameter: 'TSS', value: null, unit: 'mg/L' }, 'wrong_type', 'readings[1].value'],
    ['value 1e999 (Infinity after parsing)', '__1e999__', 'not_finite', 'readings[1].value'],
    ['unit mismatch', { parameter: 'TSS', value: 1, unit: 'ppm' }, 'unit_mismatch', 'readings[1].unit'],
    ['missing unit', { parameter: 'TSS', value: 1 }, 'missing_field', 'readings[1].unit'],
    ['bad status', { parameter: 'TSS', value: 1, unit: 'mg/L', status: '9' }, 'bad_status', 'readings[1].status'],
    ['status a number', { parameter: 'TSS', value: 1, unit: 'mg/L', status: 0 }, 'bad_status', 'readings[1].status'],
    ['reading not an object', 42, 'wrong_type', 'readings[1]'],
    ['bad reading ts', { parameter: 'TSS', value: 1, unit: 'mg/L', ts: '27/11/2026' }, 'bad_timestamp', 'readings[1].ts'],
    ['ts without offset', { parameter: 'TSS', value: 1, unit: 'mg/L', ts: '2026-11-27T08:00:00' }, 'bad_timestamp', 'readings[1].ts'],
    ['31 days old', { parameter: 'TSS', value: 1, unit: 'mg/L', ts: NOW - 31 * 86_400_000 }, 'too_old', 'readings[1].ts'],
    ['10 minutes ahead', { parameter: 'TSS', value: 1, unit: 'mg/L', ts: NOW + 600_000 }, 'in_future', 'readings[1].ts'],
  ];
  it.each(cases)('%s -> %s at %s; COD kept', (_name, bad, code, path) => {
    const body = JSON.stringify(msg([cod, bad === '__1e999__' ? { parameter: 'TSS', value: 0, unit: 'mg/L' } : bad])).replace(
      '"value":0,',
      '"value":1e999,',
    );
    const r = check(body);
    expect(r.wholeMessage).toBe(false);
    expect(r.accepted.map((a) => a.parameter)).toEqual(['COD']);
    expect(r.rejections).toEqual([expect.objectContaining({ code, path })]);
  });

  it.each(['NaN', 'Infinity', '-Infinity'])('a bare %s token (Python json.dumps) rejects that reading only, as not_finite', (token) => {
    const body = `{"station":"${STATION}","ts":${NOW},"readings":[{"parameter":"COD","value":54.2,"unit":"mg/L"},{"parameter":"TSS","value":${token},"unit":"mg/L"}],"note":"NaN in a string stays"}`;
    const r = check(body);
    expect(r.accepted.map((a) => a.parameter)).toEqual(['COD']);
    expect(r.rejections).toEqual([{ path: 'readings[1].value', code: 'not_finite', message: `value of TSS is ${token}` }]);
  });

  it('normalises unit spellings and fills the default status', () => {
    const r = check(
      msg([
        { parameter: 'COD', value: 1, unit: 'mg/l' },
        { parameter: 'Temp', value: 30, unit: 'oC' },
        { parameter: 'Flow', value: 3, unit: 'm³/h' },
      ]),
    );
    expect(r.rejections).toEqual([]);
    expect(r.accepted.map((a) => [a.parameter, a.unit, a.status])).toEqual([
      ['COD', 'mg/L', '00'],
      ['Temp', '°C', '00'],
      ['Flow', 'm3/h', '00'],
    ]);
  });

  it('a reading ts overrides the message ts; epoch ms and RFC 3339 offsets both work', () => {
    const r = check(msg([cod, { ...cod, parameter: 'TSS', ts: NOW - 60_000 }]));
    expect(r.accepted.map((a) => a.ts)).toEqual([Date.parse('2026-11-27T08:15:00+07:00'), NOW - 60_000]);
  });

  it('the cached encoder ingest uses writes the same lines as encodeReading, escaping, statuses and a full cache included', () => {
    const encode = createReadingEncoder(3);
    const base = {
      station: 'S 1,a=b',
      zone: 'Z\\1',
      parameter: 'COD',
      unit: 'mg/L',
      status: '00' as const,
      ts: NOW,
      receivedAt: NOW,
      value: 54.2,
    };
    const readings = [
      base,
      { ...base, status: '01' as const, value: 7 },
      { ...base, parameter: 'TSS', status: '02' as const, value: -0.5 },
      { ...base, station: 'S2', zone: 'Z2', value: 1e-7 },
      { ...base, station: 'S3', parameter: 'pH', value: 7.25 },
      base,
    ];
    for (let round = 0; round < 2; round++) for (const r of readings) expect(encode(r)).toBe(encodeReading(r));
    expect(encode(base)).toBe('reading,parameter=COD,station=S\\ 1\\,a\\=b,status=00,zone=Z\\\\1 value=54.2 ' + NOW);
  });

  it('strings built to break line protocol, in every string field, never reach a stored line', () => {
    const evil = ['a,b', 'a b', 'a=b', 'a"b', 'a\\b', 'a\nb', 'Nồng độ ô nhiễm', 'x\\ ,=\n"'];
    for (const s of evil) {
      const r = check(
        msg(
          [
            cod,
            { parameter: s, value: 1, unit: 'mg/L' },
            { parameter: 'TSS', value: 1, unit: s },
            { parameter: 'NH4', value: 1, unit: 'mg/L', status: s },
            { parameter: 'Color', value: 1, unit: 'Pt-Co', ts: s },
          ],
          { note: s },
        ),
      );
      expect(r.rejections.map((x) => x.code)).toEqual(['unknown_parameter', 'unit_mismatch', 'bad_status', 'bad_timestamp']);
      expect(r.accepted).toHaveLength(1);
      expect(encodeReading(r.accepted[0]!)).toMatch(
        /^reading,parameter=COD,station=BN-YENPHONG-F001-NT1,status=00,zone=[A-Z0-9-]+ value=54\.2 \d+$/,
      );
      // And a message ts with them: every reading without its own ts is refused.
      expect(check(msg([cod], { ts: s })).rejections[0]!.code).toBe('bad_timestamp');
    }
  });

  it('echoes at most a short excerpt of a hostile string in the notice', () => {
    const r = check(msg([{ parameter: 'x'.repeat(100_000), value: 1, unit: 'mg/L' }]));
    expect(r.rejections[0]!.message.length).toBeLessThan(200);
  });
});
