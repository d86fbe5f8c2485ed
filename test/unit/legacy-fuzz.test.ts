import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue, type Station } from '../../core/index.js';
import { createNameMatcher, parseLegacyFile, QUOTE_CHARS, type ParsedLegacyFile } from '../../legacy/index.js';
import { decodeLegacyText } from '../../legacy/decode-text.js';

/**
 * Fuzzing the legacy parser (docs/LEGACY.md, "Bounds"): whatever the bytes, it never throws,
 * never holds more than its bounds, and every line is a reading, a reason, or blank. A short
 * budget runs with `npm test`; FUZZ_RUNS raises it (`FUZZ_RUNS=100000 npm run fuzz`).
 */
const RUNS = Number(process.env.FUZZ_RUNS) || 200;

let catalogue: Catalogue;
let station: Station;
beforeAll(async () => {
  catalogue = await loadCatalogue('seeds/catalogue.json');
  station = catalogue.station('BN-YENPHONG-F004-NT1')!;
});

/** A reason quotes at most QUOTE_CHARS of a line, plus the "... (n characters)" mark. */
const MAX_TEXT = QUOTE_CHARS + 40;
const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+07:00$/;

/** The properties every parse must keep, checked against an independent split of the same text. */
function checkBounds(bytes: Buffer, parsed: ParsedLegacyFile, maxBadLines: number): void {
  expect(parsed.errors.length).toBeLessThanOrEqual(maxBadLines);
  if (parsed.stoppedAtLine !== undefined) expect(parsed.errors).toHaveLength(maxBadLines);
  const raw = decodeLegacyText(bytes).text.split(/\r\n|\r|\n/);
  const last = parsed.stoppedAtLine === undefined ? raw.length : parsed.stoppedAtLine - 1;
  const readings = new Set(parsed.lines.map((l) => l.line));
  const reasons = new Set(parsed.errors.map((e) => e.line));
  for (let n = 1; n <= last; n++) {
    const blank = raw[n - 1]!.trim() === '' && raw[n - 1]!.length <= 1000;
    // Exactly one of: a reading, a reason, or a blank line.
    expect([readings.has(n), reasons.has(n), blank].filter(Boolean)).toHaveLength(1);
  }
  for (const e of parsed.errors) expect(e.text.length).toBeLessThanOrEqual(MAX_TEXT);
  for (const l of parsed.lines) {
    expect(l.text.length).toBeLessThanOrEqual(MAX_TEXT);
    // A reading's time is a real local time: written back, its digits are the ones it was read from.
    const m = LOCAL_ISO.exec(l.reading.ts);
    expect(m).not.toBeNull();
    const back = new Date(Date.parse(l.reading.ts) + 7 * 3_600_000).toISOString();
    expect(back.slice(0, 19)).toBe(l.reading.ts.slice(0, 19));
  }
}

/** Lines a logger might write, or almost: real fields, junk fields, impossible times, odd separators. */
const nearValidLine = (): fc.Arbitrary<string> => {
  const name = fc.constantFrom('COD', 'cod', 'TSS', 'pH', 'Flow', 'NH4', 'XYZ', '', 'COD COD');
  const value = fc.oneof(
    fc.constantFrom('54.2', '54,2', '1.234,5', '-0', '1e3', 'NaN', 'abc', '', '9'.repeat(1200)),
    fc.double().map(String),
  );
  const unit = fc.constantFrom('mg/L', 'ppm', 'pH', '', '°C', 'm3/h');
  const stamp = fc.oneof(
    fc.constantFrom(
      '20261120081500',
      '20261131081500',
      '20260230081500',
      '20261120240000',
      '2026-11-31T08:15:00+07:00',
      '',
      '2026112008150',
    ),
    fc.stringMatching(/^\d{14}$/),
  );
  const status = fc.constantFrom('00', '0', '1', '2', '07', '', 'x');
  const sep = fc.constantFrom('\t', ';', ' ', '  ', '\t\t');
  return fc
    .tuple(name, value, unit, stamp, status, sep, fc.integer({ min: 3, max: 6 }))
    .map(([n, v, u, t, s, separator, count]) => [n, v, u, t, s].slice(0, count).join(separator));
};

const nearValidFile = (): fc.Arbitrary<Buffer> =>
  fc
    .tuple(
      fc.array(fc.oneof(nearValidLine(), fc.string({ maxLength: 40 })), { maxLength: 60 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.constantFrom('', '\uFEFF'),
      fc.constantFrom('utf8', 'utf16le', 'latin1') as fc.Arbitrary<BufferEncoding>,
    )
    .map(([lines, eol, bom, encoding]) => {
      const text = `${bom}${lines.join(eol)}`;
      if (encoding === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/^\uFEFF/, ''), 'utf16le')]);
      return Buffer.from(text, encoding);
    });

describe('legacy parser fuzzing', () => {
  it('arbitrary bytes: never throws, stays within its bounds, every line a reading, a reason or blank', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 1, max: 20 }), (bytes, maxBadLines) => {
        const buf = Buffer.from(bytes);
        checkBounds(buf, parseLegacyFile(buf, station, { maxBadLines }), maxBadLines);
      }),
      { numRuns: RUNS },
    );
  });

  it('near-valid lines: never throws, stays within its bounds, and no impossible time becomes a reading', () => {
    fc.assert(
      fc.property(nearValidFile(), fc.integer({ min: 1, max: 100 }), (buf, maxBadLines) => {
        checkBounds(buf, parseLegacyFile(buf, station, { maxBadLines }), maxBadLines);
      }),
      { numRuns: RUNS },
    );
  });

  it('file names: any string is matched to a station or refused with a reason, never thrown on', () => {
    const match = createNameMatcher(catalogue);
    const names = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .tuple(fc.constantFrom('YP_F004_NT', 'BN-YENPHONG-F001-NT1', 'X', ''), fc.stringMatching(/^\d{14}$/))
        .map(([p, s]) => `${p}_${s}.txt`),
    );
    fc.assert(
      fc.property(names, (name) => {
        const m = match(name);
        if (m.ok) expect(m.name.stamp).toMatch(/^\d{14}$/);
        else expect(m.message.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });
});
