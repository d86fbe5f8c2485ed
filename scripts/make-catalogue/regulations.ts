import type { Limit, StationParameter } from '../../core/catalogue-schema.js';

/**
 * The regulations' limit tables (docs/DOMAIN.md, "Limits"): QCVN 40:2011/BTNMT for
 * wastewater, QCVN 19:2009/BTNMT for stack gas, with the coefficients that make a permit's
 * limit (Cmax = C x coefficients), as the header of scripts/make-catalogue.ts explains.
 */
export const QCVN40 = { regulation: 'QCVN 40:2011/BTNMT', effectiveFrom: '2011-12-15', effectiveTo: '2032-01-01' } as const;
export const QCVN19 = { regulation: 'QCVN 19:2009/BTNMT', effectiveFrom: '2010-01-01', effectiveTo: '2032-01-01' } as const;

export type Column = 'A' | 'B';

/** QCVN 40:2011 base values C per column (docs/DOMAIN.md, "Limits"). */
const QCVN40_BASE: Record<'Temp' | 'Color' | 'TSS' | 'COD' | 'NH4' | 'TN' | 'TP', Record<Column, number>> = {
  Temp: { A: 40, B: 40 },
  Color: { A: 50, B: 150 },
  TSS: { A: 50, B: 100 },
  COD: { A: 75, B: 150 },
  NH4: { A: 5, B: 10 },
  TN: { A: 20, B: 40 },
  TP: { A: 4, B: 6 },
};
const QCVN40_PH = { max: 9, lower: { A: 6, B: 5.5 } } as const;
/** Parameters that take Kq x Kf. */
const QCVN40_WITH_COEFFICIENTS = new Set(['TSS', 'COD', 'NH4', 'TN', 'TP']);

/** QCVN 19:2009 column B base values. */
const QCVN19_BASE_B = { PM: 200, SO2: 500, NOx: 850, CO: 1000 } as const;

/** Kf of QCVN 40:2011 by discharge flow in m3/day. */
function kf(m3PerDay: number): number {
  if (m3PerDay <= 50) return 1.2;
  if (m3PerDay <= 500) return 1.1;
  if (m3PerDay <= 5000) return 1.0;
  return 0.9;
}

/** Kp of QCVN 19:2009 by stack flow in m3/h. */
function kp(m3PerHour: number): number {
  if (m3PerHour <= 20_000) return 1.0;
  if (m3PerHour <= 100_000) return 0.9;
  return 0.8;
}

/** What sets a wastewater permit's limits: the zone's column and Kq, the facility's discharge (Kf). */
export interface WastewaterPermit {
  column: Column;
  kq: number;
  /** Permitted discharge, m3/day. */
  discharge: number;
}

/** A wastewater outlet's QCVN 40 limits for what it measures (pH has a lower bound; Flow has no limit). */
export function wastewaterLimits(permit: WastewaterPermit, measured: StationParameter[]): Limit[] {
  const column = permit.column;
  const coefficients = { Kq: permit.kq, Kf: kf(permit.discharge) };
  const limits: Limit[] = [];
  for (const { parameter } of measured) {
    if (parameter === 'pH') {
      limits.push({ parameter, ...QCVN40, column, base: QCVN40_PH.max, lower: QCVN40_PH.lower[column], coefficients: {} });
      continue;
    }
    const base = QCVN40_BASE[parameter as keyof typeof QCVN40_BASE];
    if (base === undefined) continue; // Flow: no limit
    limits.push({
      parameter,
      ...QCVN40,
      column,
      base: base[column],
      coefficients: QCVN40_WITH_COEFFICIENTS.has(parameter) ? { ...coefficients } : {},
    });
  }
  return limits.map(orderLimit);
}

/** A stack's QCVN 19 column B limits for PM, SO2, NOx and CO. */
export function stackLimits(kv: number, designFlow: number): Limit[] {
  const coefficients = { Kp: kp(designFlow), Kv: kv };
  return Object.entries(QCVN19_BASE_B).map(([parameter, base]) =>
    orderLimit({ parameter, ...QCVN19, column: 'B', base, coefficients: { ...coefficients } }),
  );
}

/** Fixed key order in the JSON, for readable diffs. */
function orderLimit(l: Limit): Limit {
  return {
    parameter: l.parameter,
    regulation: l.regulation,
    column: l.column,
    base: l.base,
    ...(l.lower === undefined ? {} : { lower: l.lower }),
    coefficients: l.coefficients,
    effectiveFrom: l.effectiveFrom,
    ...(l.effectiveTo === undefined ? {} : { effectiveTo: l.effectiveTo }),
  };
}
