import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, loadCatalogue, readingsTopic, type Catalogue, type Reading } from '../../core/index.js';
import {
  createInfluxClient,
  createIngest,
  createMetricsRegistry,
  listDeadLetters,
  validateMessage,
  type DeadLetter,
  type Ingest,
} from '../../ingest/index.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));
const STATION = 'BN-YENPHONG-F001-NT1';
const WINDOW = { maxAgeMs: 30 * 86_400_000, maxAheadMs: 300_000 };
let catalogue: Catalogue;
let dataDir: string;
let ingest: Ingest | undefined;

beforeAll(async () => {
  catalogue = await loadCatalogue(SEED);
});
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'quantrac-hostile-'));
});
afterEach(async () => {
  await ingest?.close();
  ingest = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** Ingest with a real spool and dead-letter store in a temp dir; InfluxDB is unreachable (delivery is not under test). */
async function open(options: { catalogue?: Catalogue } = {}) {
  const registry = createMetricsRegistry({ processMetrics: false });
  const readings: Reading[] = [];
  ingest = await createIngest({
    catalogue: options.catalogue ?? catalogue,
    influx: createInfluxClient({ api: 'v1', url: 'http://127.0.0.1:9', db: 'qt' }),
    log: createLogger({ level: 'silent' }),
    window: WINDOW,
    dataDir,
    registry,
    settings: {
      delivery: { batchLines: 1000, batchBytes: 1024 * 1024, flushMs: 10, retryMaxMs: 1000, drainMs: 10 },
      // Room for every dead letter of a long fuzz run: retention by size must not prune what the test counts.
      deadLetters: { maxAgeDays: 90, maxBytes: 16 * 1024 ** 3 },
    },
  });
  ingest.readings$.subscribe((r) => readings.push(r));
  const admit = (payload: string | Buffer) =>
    ingest!.admit({ topic: readingsTopic(STATION), clientId: `${STATION}:t`, payload: Buffer.from(payload) });
  /** Closes ingest (flushing the dead-letter store) and lists the dead letters. */
  const eachDeadLetter = async function* (): AsyncGenerator<DeadLetter> {
    await ingest!.close();
    yield* listDeadLetters({ dir: join(dataDir, 'deadletters') });
  };
  const deadLetters = async (): Promise<DeadLetter[]> => {
    const out: DeadLetter[] = [];
    for await (const r of eachDeadLetter()) out.push(r);
    return out;
  };
  return { admit, readings, deadLetters, eachDeadLetter, registry };
}

const ok = (ts: number, parameter = 'COD') => `{"parameter":"${parameter}","value":54.2,"unit":"mg/L","status":"00","ts":${ts}}`;
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

// The three payloads that broke "every message gets a PUBACK" (docs/PROTOCOL.md, "Acceptance and rejection").
describe('payloads that used to fail admission', () => {
  it('station nested 100,000 deep: refused as station_mismatch, acknowledged, dead-lettered', async () => {
    const { admit, deadLetters } = await open();
    const result = await admit(`{"station":${deep(100_000)},"ts":${Date.now()},"readings":[${ok(Date.now())}]}`);
    expect(result).toEqual({ accepted: 0, rejected: 1 });
    const [dl] = await deadLetters();
    expect(dl!.codes).toEqual(['station_mismatch']);
    expect(dl!.errors[0]!.message.length).toBeLessThan(300);
  });

  it('a status nested 100,000 deep: that reading refused as bad_status, the valid one stored', async () => {
    const { admit, readings, deadLetters } = await open();
    const ts = Date.now() - 1000;
    const bad = `{"parameter":"TSS","value":1,"unit":"mg/L","status":${deep(100_000)}}`;
    const result = await admit(`{"station":"${STATION}","ts":${ts},"readings":[${ok(ts)},${bad}]}`);
    expect(result).toEqual({ accepted: 1, rejected: 1 });
    expect(readings.map((r) => r.parameter)).toEqual(['COD']);
    const [dl] = await deadLetters();
    expect(dl!.errors.map((e) => [e.path, e.code])).toEqual([['readings[1].status', 'bad_status']]);
  });

  it.each([8.64e15 + 1, 2 ** 53 - 1, 9e15])(
    'a reading ts of %d (past the Date range): bad_timestamp, the valid one stored',
    async (huge) => {
      const { admit, readings, deadLetters } = await open();
      const ts = Date.now() - 1000;
      const result = await admit(
        `{"station":"${STATION}","ts":${ts},"readings":[${ok(ts)},{"parameter":"TSS","value":1,"unit":"mg/L","ts":${huge}}]}`,
      );
      expect(result).toEqual({ accepted: 1, rejected: 1 });
      expect(readings).toHaveLength(1);
      const [dl] = await deadLetters();
      expect(dl!.errors[0]).toMatchObject({ path: 'readings[1].ts', code: 'bad_timestamp' });
      expect(dl!.errors[0]!.message).toMatch(/past the last representable date/);
    },
  );

  it('a huge message ts: every reading without its own ts refused, one with its own stored', async () => {
    const { admit, readings } = await open();
    const ts = Date.now() - 1000;
    const result = await admit(
      `{"station":"${STATION}","ts":9000000000000000,"readings":[${ok(ts)},{"parameter":"TSS","value":1,"unit":"mg/L"}]}`,
    );
    expect(result).toEqual({ accepted: 1, rejected: 1 });
    expect(readings.map((r) => r.parameter)).toEqual(['COD']);
  });
});

describe('a fault of the centre never fails admission (code internal)', () => {
  it('a fault in checking one reading refuses that reading alone; the others are stored; it is counted', async () => {
    const boom: Catalogue = {
      ...catalogue,
      stationParameter: (s, p) => {
        if (p === 'TSS') throw new TypeError('catalogue fault');
        return catalogue.stationParameter(s, p);
      },
    };
    const { admit, readings, deadLetters, registry } = await open({ catalogue: boom });
    const ts = Date.now() - 1000;
    const result = await admit(`{"station":"${STATION}","ts":${ts},"readings":[${ok(ts)},{"parameter":"TSS","value":1,"unit":"mg/L"}]}`);
    expect(result).toEqual({ accepted: 1, rejected: 1 });
    expect(readings).toHaveLength(1);
    expect(await registry.getSingleMetricAsString('quantrac_ingest_internal_errors_total')).toMatch(/stage="reading"} 1/);
    const [dl] = await deadLetters();
    expect(dl!.errors).toEqual([{ path: 'readings[1]', code: 'internal', message: expect.stringMatching(/TypeError/) as string }]);
    expect(dl!.errors[0]!.message).not.toMatch(/catalogue fault/);
  });

  it('a fault in checking the message refuses it whole, acknowledged and dead-lettered', async () => {
    const boom: Catalogue = {
      ...catalogue,
      zoneOf: () => {
        throw new RangeError('zone fault');
      },
    };
    const { admit, deadLetters, registry } = await open({ catalogue: boom });
    const result = await admit(`{"station":"${STATION}","ts":${Date.now()},"readings":[${ok(Date.now())}]}`);
    expect(result).toEqual({ accepted: 0, rejected: 1 });
    expect(await registry.getSingleMetricAsString('quantrac_ingest_internal_errors_total')).toMatch(/stage="validate"} 1/);
    const [dl] = await deadLetters();
    expect(dl!.codes).toEqual(['internal']);
  });
});

describe('impossible calendar dates are refused, never rolled over', () => {
  it.each([
    '2026-11-31T00:00:00Z',
    '2026-02-29T10:00:00+07:00',
    '2026-02-30T10:00:00+07:00',
    '2026-04-31T10:00:00Z',
    '2026-11-30T24:00:00Z',
    '2026-11-30T23:60:00Z',
    '2026-11-30T23:59:60Z',
    '2026-11-30T10:00:00+24:00',
    '2026-00-10T10:00:00Z',
  ])('%s: bad_timestamp, naming the fault', (ts) => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    const body = `{"station":"${STATION}","ts":${now},"readings":[${ok(now)},{"parameter":"TSS","value":1,"unit":"mg/L","ts":"${ts}"}]}`;
    const r = validateMessage(STATION, Buffer.from(body), now, catalogue, { maxAgeMs: 365 * 86_400_000, maxAheadMs: 86_400_000 });
    expect(r.accepted.map((a) => a.parameter)).toEqual(['COD']);
    expect(r.rejections).toEqual([
      { path: 'readings[1].ts', code: 'bad_timestamp', message: expect.stringMatching(/no real date and time/) as string },
    ]);
  });

  it('real dates (a leap day, the last second of a day, offsets) are kept', () => {
    const now = Date.parse('2028-03-01T00:00:00Z');
    for (const ts of ['2028-02-29T23:59:59Z', '2028-02-29T12:00:00+07:00', '2028-02-29T00:00:00.123-05:30']) {
      const body = `{"station":"${STATION}","ts":"${ts}","readings":[{"parameter":"TSS","value":1,"unit":"mg/L"}]}`;
      const r = validateMessage(STATION, Buffer.from(body), now, catalogue, { maxAgeMs: 86_400_000, maxAheadMs: 86_400_000 });
      expect(r.rejections).toEqual([]);
      expect(r.accepted[0]!.ts).toBe(Date.parse(ts));
    }
  });
});

// Hostile JSON fragments (text, so nesting deeper than JSON.stringify can build is possible).
const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 100_000 }).map((n) => deep(n)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.constantFrom('8.64e15', '8640000000000001', '9007199254740991', '9007199254740993', '1e308', '-1e308', '1e999', '-0', '0.5', '-1'),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '"NaN"', '"Infinity"', '"\\u0000NaN"', '"1e999"', '"0x10"', '""', '"  "'),
  fc.constantFrom('"2026-11-31T00:00:00Z"', '"2026-02-30T10:00:00+07:00"', '"2026-11-30T24:00:00Z"', '"+275760-09-13T00:00:00Z"'),
  fc.constantFrom(
    '"__proto__"',
    '"constructor"',
    '"toString"',
    '"hasOwnProperty"',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)),
  fc.integer({ min: 0, max: 3000 }).map((n) => `[${Array.from({ length: n }, () => '1').join(',')}]`),
  fc.constantFrom('null', 'true', 'false', '[]', '{}', '0'),
);
const field = (valid: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: hostile }, fc.constant(undefined));
const object = (fields: Array<[string, string | undefined]>, extra: Array<[string, string]>) =>
  `{${[...fields, ...extra]
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
    .join(',')}}`;
const extraKeys = fc.array(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'Nồng độ'), hostile), {
  maxLength: 2,
});

const reading = fc
  .tuple(
    field(fc.constantFrom('"COD"', '"TSS"', '"pH"', '"Flow"')),
    field(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)),
    field(fc.constantFrom('"mg/L"', '"mg/l"', '"pH"', '"m3/h"')),
    field(fc.constantFrom('"00"', '"01"', '"02"')),
    field(fc.integer({ min: -86_400_000, max: 60_000 }).map((d) => String(Date.now() + d))),
    extraKeys,
  )
  .map(([parameter, value, unit, status, ts, extra]) =>
    object(
      [
        ['parameter', parameter],
        ['value', value],
        ['unit', unit],
        ['status', status],
        ['ts', ts],
      ],
      extra,
    ),
  );
const message: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        field(fc.constant(`"${STATION}"`)),
        field(fc.constant(String(Date.now()))),
        field(fc.nat().map(String)),
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc
              .array(fc.oneof({ weight: 4, arbitrary: reading }, hostile), { minLength: 1, maxLength: 12 })
              .map((rs) => `[${rs.join(',')}]`),
          },
          hostile,
        ),
        extraKeys,
      )
      .map(([station, ts, seq, readings, extra]) =>
        object(
          [
            ['station', station],
            ['ts', ts],
            ['seq', seq],
            ['readings', readings],
          ],
          extra,
        ),
      ),
  },
  hostile,
  fc.uint8Array({ maxLength: 200 }),
);

/** The property's budget: a short one in `npm test`, FUZZ_RUNS in `npm run fuzz`. */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS) || 300;

describe('property: whatever a gateway sends, admit resolves and the message ends stored or dead-lettered', () => {
  it('holds for generated hostile payloads', { timeout: 120_000 + FUZZ_RUNS * 20 }, async () => {
    const { admit, readings, eachDeadLetter } = await open();
    let refused = 0;
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(message, async (payload) => {
        const result = await admit(typeof payload === 'string' ? payload : Buffer.from(payload));
        expect(result.accepted + result.rejected).toBeGreaterThan(0);
        if (result.rejected > 0) refused++;
        stored += result.accepted;
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(readings).toHaveLength(stored);
    // Streamed, not collected: a long fuzz run's dead letters hold every hostile payload.
    let letters = 0;
    for await (const l of eachDeadLetter()) {
      letters++;
      for (const e of l.errors) expect(e.message.length).toBeLessThan(300);
    }
    expect(letters).toBe(refused);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
