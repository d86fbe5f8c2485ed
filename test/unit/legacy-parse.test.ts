import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, parseCatalogue, type Catalogue } from '../../core/index.js';
import {
  createNameMatcher,
  DEFAULT_MAX_BAD_LINES,
  localStampToIso,
  MAX_LINE_CHARS,
  parseDecimal,
  parseLegacyFile,
  QUOTE_CHARS,
} from '../../legacy/index.js';

const FIXTURES = join('test', 'fixtures', 'legacy');
const fixture = (name: string): Promise<Buffer> => readFile(join(FIXTURES, name));

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue('seeds/catalogue.json');
});

describe('legacy file names', () => {
  it('finds the station from the prefix mapping in the catalogue, the id, or any province prefix before it', () => {
    const match = createNameMatcher(catalogue);
    const station = (name: string): string | undefined => {
      const m = match(name);
      return m.ok ? m.name.station.id : undefined;
    };
    expect(station('YP_F004_NT_20261120081500.txt')).toBe('BN-YENPHONG-F004-NT1');
    expect(station('BN-YENPHONG-F001-NT1_20261120081500.txt')).toBe('BN-YENPHONG-F001-NT1');
    expect(station('QTDN_HK_F034_NT_20261120090000.txt')).toBe('DNG-HOAKHANH-F034-NT1');
    expect(station('bacninh-BN-YENPHONG-F001-NT1_20261120081500.TXT')).toBe('BN-YENPHONG-F001-NT1');
    expect(station('yp_f004_nt_20261120081500.txt')).toBe('BN-YENPHONG-F004-NT1');
    // The prefix must end on a separator boundary: XYP_F004_NT is not YP_F004_NT.
    expect(match('XYP_F004_NT_20261120081500.txt')).toMatchObject({ ok: false, code: 'no_station' });
    expect(match('YP_F004_NT_2026112008.txt')).toMatchObject({ ok: false, code: 'bad_name' });
    expect(match('notes.docx')).toMatchObject({ ok: false, code: 'bad_name' });
    // A time that does not exist would roll over into another day's archive folder.
    expect(match('YP_F004_NT_20261131081500.txt')).toMatchObject({ ok: false, code: 'bad_name' });
    expect(match('YP_F004_NT_20260230081500.txt')).toMatchObject({ ok: false, code: 'bad_name' });
    expect(match('YP_F004_NT_20261120240000.txt')).toMatchObject({
      ok: false,
      message: expect.stringContaining('20261120240000 is not a real local time (2026-11-20 24:00:00 does not exist)'),
    });
  });

  it('prefers the longest known prefix', () => {
    const raw = JSON.parse(
      JSON.stringify({
        version: 1,
        parameters: [{ symbol: 'COD', name: 'COD', nameVi: 'COD', units: ['mg/L'] }],
        zones: [{ id: 'Z', name: 'Z', province: 'P', lat: 0, lon: 0 }],
        facilities: [{ id: 'F', zoneId: 'Z', name: 'F', sector: 's' }],
        stations: [
          {
            id: 'AAA-1',
            facilityId: 'F',
            name: 'a',
            kind: 'wastewater',
            lat: 0,
            lon: 0,
            intervalS: 300,
            legacyPrefix: 'F004_NT',
            parameters: [{ parameter: 'COD', unit: 'mg/L' }],
          },
          {
            id: 'BBB-2',
            facilityId: 'F',
            name: 'b',
            kind: 'wastewater',
            lat: 0,
            lon: 0,
            intervalS: 300,
            legacyPrefix: 'YP_F004_NT',
            parameters: [{ parameter: 'COD', unit: 'mg/L' }],
          },
        ],
      }),
    );
    const match = createNameMatcher(parseCatalogue(raw));
    expect(match('BN_YP_F004_NT_20261120081500.txt')).toMatchObject({ ok: true, name: { station: { id: 'BBB-2' } } });
    expect(match('BN_F004_NT_20261120081500.txt')).toMatchObject({ ok: true, name: { station: { id: 'AAA-1' } } });
  });

  it('reads yyyyMMddHHmmss as local time UTC+7, refusing impossible times', () => {
    expect(localStampToIso('20261127081500')).toBe('2026-11-27T08:15:00+07:00');
    expect(Date.parse(localStampToIso('20261127081500')!)).toBe(Date.UTC(2026, 10, 27, 1, 15, 0));
    expect(localStampToIso('20260230081500')).toBeUndefined();
    expect(localStampToIso('20261127246000')).toBeUndefined();
    expect(localStampToIso('2026112708150')).toBeUndefined();
  });
});

describe('decimal numbers', () => {
  it('takes points and commas as decimal separators, and leaves what is not a number as written', () => {
    expect(parseDecimal('54.2')).toBe(54.2);
    expect(parseDecimal('54,2')).toBe(54.2);
    expect(parseDecimal('-0,5')).toBe(-0.5);
    expect(parseDecimal('1.234,5')).toBe(1234.5);
    expect(parseDecimal('1,234.5')).toBe(1234.5);
    expect(parseDecimal('18')).toBe(18);
    expect(parseDecimal('1e3')).toBe(1000);
    for (const bad of ['abc', '', '-', '1,2,3', '1.2.3', 'NaN', '12mg']) expect(parseDecimal(bad)).toBe(bad);
  });
});

describe('legacy file contents', () => {
  const station = (id: string) => catalogue.station(id)!;

  it('a good file: one reading per line, times in UTC+7, status as written', async () => {
    const parsed = parseLegacyFile(await fixture('YP_F004_NT_20261120081500.txt'), station('BN-YENPHONG-F004-NT1'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.encoding).toBe('utf-8');
    expect(parsed.lines).toHaveLength(9);
    expect(parsed.lines[4]).toMatchObject({
      line: 5,
      reading: { parameter: 'COD', value: 54.2, unit: 'mg/L', status: '00', ts: '2026-11-20T08:15:00+07:00' },
    });
    expect(parsed.lines[7]!.reading.status).toBe('01');
  });

  it('UTF-8 with a byte-order mark and Windows line endings, a trailing TAB, a pH line without a unit', async () => {
    const parsed = parseLegacyFile(await fixture('DV_F010_NT_20261120083000.txt'), station('HP-DINHVU-F010-NT1'));
    expect(parsed.encoding).toBe('utf-8-bom');
    expect(parsed.errors).toEqual([]);
    expect(parsed.lines.map((l) => l.reading.parameter)).toEqual(['Flow', 'Temp', 'pH', 'TSS', 'COD', 'NH4', 'Color']);
    expect(parsed.lines[0]!.reading.parameter).toBe('Flow'); // no BOM glued to the first name
    expect(parsed.lines.every((l) => !/\r/.test(l.text) && !/\r/.test(l.reading.status))).toBe(true);
    expect(parsed.lines[2]!.reading).toMatchObject({ parameter: 'pH', value: 7.05, unit: '' });
  });

  it('decimal commas, spaces between fields, blank lines, one-digit status codes', async () => {
    const parsed = parseLegacyFile(await fixture('HPH_F022_NT_20261120084000.txt'), station('HCM-HIEPPHUOC-F022-NT1'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.lines.map((l) => l.reading.value)).toEqual([96.4, 28.7, 7.4, 25.05, 48.3, 1.9, 15, 9.8, 1.25]);
    expect(parsed.lines.map((l) => l.reading.status)).toEqual(['00', '00', '00', '00', '00', '01', '00', '00', '00']);
    expect(parsed.lines[1]!.line).toBe(3); // the blank line 2 is skipped, numbering stays the file's
  });

  it('a mixed file: lines of the wrong shape or an impossible time are errors here; the others go on as written for validation', async () => {
    const parsed = parseLegacyFile(await fixture('VA_F027_NT_20261120085000.txt'), station('HT-VUNGANG-F027-NT1'));
    expect(parsed.errors).toEqual([
      expect.objectContaining({
        line: 7,
        code: 'bad_timestamp',
        message: '20261132085000 is not a real local time (2026-11-32 08:50:00 does not exist)',
      }),
      expect.objectContaining({ line: 9, code: 'bad_line' }),
    ]);
    expect(parsed.lines).toHaveLength(8);
    expect(parsed.lines[5]!.reading.value).toBe('abc');
    expect(parsed.lines[6]!.reading.status).toBe('07');
  });

  it('UTF-16 with its byte-order mark (Windows "Unicode" text)', async () => {
    const parsed = parseLegacyFile(await fixture('DV_F010_KT_20261120092000.txt'), station('HP-DINHVU-F010-KT1'));
    expect(parsed.encoding).toBe('utf-16le');
    expect(parsed.lines.map((l) => [l.reading.parameter, l.reading.value, l.reading.unit])).toEqual([
      ['Flow', 41250, 'Nm3/h'],
      ['O2', 9.4, '%'],
      ['SO2', 182.4, 'mg/Nm3'],
    ]);
  });

  it('parameter names in any case are matched to the catalogue symbol', () => {
    const parsed = parseLegacyFile(
      Buffer.from('cod\t50\tmg/L\t20261120081500\t00\nPH\t7\tpH\t20261120081500\t00\n'),
      station('BN-YENPHONG-F001-NT1'),
    );
    expect(parsed.lines.map((l) => l.reading.parameter)).toEqual(['COD', 'pH']);
  });
});

describe('times in the lines', () => {
  const station = () => catalogue.station('BN-YENPHONG-F004-NT1')!;

  it('refuses a line whose local time does not exist (Nov 31, Feb 30, hour 24, minute 60) instead of rolling it over', () => {
    const stamps = ['20261131081500', '20260230081500', '20261120240000', '20261120086000', '20261120081560', '20261300081500'];
    const parsed = parseLegacyFile(Buffer.from(stamps.map((s) => `COD\t54\tmg/L\t${s}\t00`).join('\n')), station());
    expect(parsed.lines).toEqual([]);
    expect(parsed.errors.map((e) => e.code)).toEqual(stamps.map(() => 'bad_timestamp'));
    expect(parsed.errors[0]!.message).toBe('20261131081500 is not a real local time (2026-11-31 08:15:00 does not exist)');
  });

  it('refuses a time not written yyyyMMddHHmmss (an RFC 3339 time would be rolled over by Date.parse)', () => {
    const parsed = parseLegacyFile(
      Buffer.from('COD\t54\tmg/L\t2026-11-31T08:15:00+07:00\t00\nCOD\t54\tmg/L\t20261120081500\t00\n'),
      station(),
    );
    expect(parsed.errors).toEqual([
      expect.objectContaining({
        line: 1,
        code: 'bad_timestamp',
        message: '"2026-11-31T08:15:00+07:00" is not a local time yyyyMMddHHmmss',
      }),
    ]);
    expect(parsed.lines.map((l) => l.reading.ts)).toEqual(['2026-11-20T08:15:00+07:00']);
  });
});

describe('bounds on what a file can cost', () => {
  const station = () => catalogue.station('BN-YENPHONG-F004-NT1')!;

  it(`stops past maxBadLines bad lines (default ${DEFAULT_MAX_BAD_LINES}), holding no more than that many errors`, () => {
    const bytes = Buffer.from(`COD\t54\tmg/L\t20261120081500\t00\n${'x\n'.repeat(500_000)}`);
    const parsed = parseLegacyFile(bytes, station());
    expect(parsed.errors).toHaveLength(DEFAULT_MAX_BAD_LINES);
    expect(parsed.stoppedAtLine).toBe(DEFAULT_MAX_BAD_LINES + 2);
    expect(parsed.lines).toHaveLength(1);
    const few = parseLegacyFile(bytes, station(), { maxBadLines: 3 });
    expect(few.errors.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(few.stoppedAtLine).toBe(5);
  });

  it('exactly maxBadLines bad lines are tolerated: the good lines go on', () => {
    const parsed = parseLegacyFile(Buffer.from(`x\nx\nCOD\t54\tmg/L\t20261120081500\t00\n`), station(), { maxBadLines: 2 });
    expect(parsed.stoppedAtLine).toBeUndefined();
    expect(parsed.errors).toHaveLength(2);
    expect(parsed.lines).toHaveLength(1);
  });

  it('a line too long to be a reading is a bad line, and every text kept is cut', () => {
    const long = `COD\t${'9'.repeat(MAX_LINE_CHARS)}\tmg/L\t20261120081500\t00`;
    const oneLine = 'y'.repeat(500_000); // a file with no line break at all
    const parsed = parseLegacyFile(Buffer.from(`${long}\n${oneLine}\nCOD 1 2 3 4 ${'z'.repeat(900)}\n`), station());
    expect(parsed.errors.map((e) => [e.line, e.code])).toEqual([
      [1, 'bad_line'],
      [2, 'bad_line'],
      [3, 'bad_line'],
    ]);
    expect(parsed.errors[0]!.message).toBe(`longer than ${MAX_LINE_CHARS} characters: not a reading`);
    for (const e of parsed.errors) expect(e.text.length).toBeLessThan(QUOTE_CHARS + 40);
  });

  it('a number check that stays linear on a long run of digits', () => {
    const started = performance.now();
    for (let i = 0; i < 200; i++) expect(parseDecimal(`${'1'.repeat(MAX_LINE_CHARS)}x`)).toBe(`${'1'.repeat(MAX_LINE_CHARS)}x`);
    expect(performance.now() - started).toBeLessThan(250); // coarse: linear takes some 2 ms, the old quadratic pattern about 1 s
  });
});
