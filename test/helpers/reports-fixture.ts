import { parseCatalogue, type Catalogue } from '../../core/index.js';

/**
 * A small catalogue and known readings for the report tests (reports/). One zone, two
 * stations: a wastewater outfall reporting every 5 min (3 values per quarter-hour) and a
 * stack reporting every minute.
 */
export const WW = 'TEST-WW1';
export const STACK = 'TEST-STACK1';
export const ZONE = 'TESTZONE';

/** The COD limit changes between the two test days: 200 x 0.5 = 100 on D1, 100 x 0.5 = 50 from D2. */
export const D1 = '2026-03-10';
export const D2 = '2026-03-11';

export const reportsCatalogueJson = {
  version: 1,
  parameters: [
    { symbol: 'COD', name: 'Chemical oxygen demand', nameVi: 'Nhu cầu oxy hóa học', units: ['mg/L'] },
    { symbol: 'pH', name: 'pH', nameVi: 'Độ pH', units: ['pH'] },
    { symbol: 'TSS', name: 'Total suspended solids', nameVi: 'Tổng chất rắn lơ lửng', units: ['mg/L'] },
    { symbol: 'SO2', name: 'Sulphur dioxide', nameVi: 'Lưu huỳnh đioxit', units: ['mg/Nm3'] },
  ],
  zones: [{ id: ZONE, name: 'Khu thử nghiệm', province: 'Bắc Ninh', lat: 21.2, lon: 106 }],
  facilities: [{ id: 'TEST-F1', zoneId: ZONE, name: 'Nhà máy thử nghiệm', sector: 'textile' }],
  stations: [
    {
      id: WW,
      facilityId: 'TEST-F1',
      name: 'Cửa xả nước thải số 1',
      kind: 'wastewater',
      lat: 21.2,
      lon: 106,
      intervalS: 300,
      parameters: [
        { parameter: 'COD', unit: 'mg/L', rangeMin: 0, rangeMax: 1000 },
        { parameter: 'pH', unit: 'pH', rangeMin: 0, rangeMax: 14 },
        { parameter: 'TSS', unit: 'mg/L' },
      ],
      limits: [
        {
          parameter: 'COD',
          regulation: 'QCVN 40:2011/BTNMT',
          column: 'B',
          base: 200,
          coefficients: { Kq: 0.5 },
          effectiveFrom: '2020-01-01',
          effectiveTo: D2,
        },
        { parameter: 'COD', regulation: 'QCVN 40:2025/BTNMT', column: 'B', base: 100, coefficients: { Kq: 0.5 }, effectiveFrom: D2 },
        { parameter: 'pH', regulation: 'QCVN 40:2011/BTNMT', column: 'B', base: 9, lower: 6, effectiveFrom: '2020-01-01' },
      ],
    },
    {
      id: STACK,
      facilityId: 'TEST-F1',
      name: 'Ống khói lò hơi',
      kind: 'stack',
      lat: 21.2,
      lon: 106,
      intervalS: 60,
      parameters: [{ parameter: 'SO2', unit: 'mg/Nm3', rangeMin: 0, rangeMax: 2000 }],
      limits: [{ parameter: 'SO2', regulation: 'QCVN 19:2009/BTNMT', column: 'B', base: 500, effectiveFrom: '2020-01-01' }],
    },
  ],
};

export const reportsCatalogue = (): Catalogue => parseCatalogue(reportsCatalogueJson);

/** Epoch ms of a local (UTC+7) time on a day: `at('2026-03-10', 8, 15)`. */
export function at(date: string, hour: number, minute = 0): number {
  return Date.parse(`${date}T00:00:00+07:00`) + hour * 3_600_000 + minute * 60_000;
}

export function line(station: string, parameter: string, value: number, ts: number, status = '00'): string {
  return `reading,parameter=${parameter},station=${station},status=${status},zone=${ZONE} value=${value} ${ts}`;
}

/** The three 5-minute values of one quarter-hour (minutes 0, 5, 10 of it). */
export function quarter(station: string, parameter: string, date: string, hour: number, q: number, value: number, status = '00'): string[] {
  return [0, 5, 10].map((m) => line(station, parameter, value, at(date, hour, q * 15 + m), status));
}

/**
 * COD at TEST-WW1 over one day, hour by hour (3 values per quarter-hour, 50 mg/L unless said):
 * - 1: quarters 0-2 only (3 of 4: valid)          - 2: quarters 0-1 only, at 500 (2 of 4: invalid)
 * - 3: quarters 0-1, plus 01/02 values in 2-3     - 5: full, plus out-of-range 5000 and -1 (excluded)
 * - 6: quarters 0-1, out-of-range values in 2-3   - 10: 150     - 11: quarters 0-2 at 150
 * - 12: quarter means 90 (3 values), 120 (1 value), 120, 120: hourly mean 112.5, value mean 111
 * - 13: 100 (equal to D1's limit)                 - `dropQ0` hours: quarter 0 missing
 * Invalid half-hours: the second half of hours 1, 2, 3, 6, 11 (5), plus one per `dropQ0` hour.
 */
export function codDay(date: string, options: { dropQ0?: number[] } = {}): string[] {
  const out: string[] = [];
  for (let h = 0; h < 24; h += 1) {
    const value = h === 2 ? 500 : h === 10 || h === 11 ? 150 : h === 13 ? 100 : h === 12 ? 120 : 50;
    let quarters = [0, 1, 2, 3];
    if (h === 1 || h === 11) quarters = [0, 1, 2];
    if (h === 2 || h === 3 || h === 6) quarters = [0, 1];
    if (options.dropQ0?.includes(h)) quarters = quarters.filter((q) => q !== 0);
    for (const q of quarters) {
      if (h === 12 && q === 0) out.push(...quarter(WW, 'COD', date, h, q, 90));
      else if (h === 12 && q === 1) out.push(line(WW, 'COD', 120, at(date, h, 15)));
      else out.push(...quarter(WW, 'COD', date, h, q, value));
    }
  }
  out.push(...quarter(WW, 'COD', date, 3, 2, 900, '01'), ...quarter(WW, 'COD', date, 3, 3, 900, '02'));
  out.push(line(WW, 'COD', 5000, at(date, 5, 2)), line(WW, 'COD', -1, at(date, 5, 18)));
  out.push(...quarter(WW, 'COD', date, 6, 2, 1500), ...quarter(WW, 'COD', date, 6, 3, -20));
  return out;
}

/** pH at TEST-WW1: every quarter at 7, except hour 8 at 5.5 (below 6) and hour 9 at 9.5 (above 9). */
export function phDay(date: string): string[] {
  const out: string[] = [];
  for (let h = 0; h < 24; h += 1) {
    for (let q = 0; q < 4; q += 1) out.push(...quarter(WW, 'pH', date, h, q, h === 8 ? 5.5 : h === 9 ? 9.5 : 7));
  }
  return out;
}

/** SO2 at TEST-STACK1: one value a minute, 300 mg/Nm3, for the first 12 hours only. */
export function so2HalfDay(date: string): string[] {
  return Array.from({ length: 12 * 60 }, (_, m) => line(STACK, 'SO2', 300, at(date, 0, m)));
}

/**
 * Readings that must change nothing: status 01/02 everywhere, with values that would move
 * every figure (min, max, mean, quarters, availability, exceedances), including in hours and
 * quarter-hours that hold no valid value.
 */
export function flaggedNoise(date: string): string[] {
  const out: string[] = [];
  for (let h = 0; h < 24; h += 1) {
    for (let q = 0; q < 4; q += 1) {
      const minute = q * 15 + 7;
      out.push(line(WW, 'COD', 999, at(date, h, minute), h % 2 === 0 ? '01' : '02'));
      out.push(line(WW, 'pH', 1, at(date, h, minute), '02'));
      out.push(line(WW, 'TSS', 400, at(date, h, minute), '01'));
      out.push(line(STACK, 'SO2', 1900, at(date, h, minute + 1), '02'));
    }
  }
  return out;
}
