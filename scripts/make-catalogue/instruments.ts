import type { StationParameter } from '../../core/catalogue-schema.js';
import type { Unit } from '../../core/units.js';

/** A parameter an instrument measures, with its range: symbol, unit, range minimum and maximum. */
type Range = readonly [parameter: string, unit: Unit, rangeMin: number, rangeMax: number];

/** A wastewater outlet's instruments after Flow (whose full scale follows the discharge). */
const WASTEWATER: readonly Range[] = [
  ['Temp', '°C', 0, 100],
  ['pH', 'pH', 0, 14],
  ['TSS', 'mg/L', 0, 500],
  ['COD', 'mg/L', 0, 500],
  ['NH4', 'mg/L', 0, 100],
  ['Color', 'Pt-Co', 0, 500],
];

/** Nutrients, measured where the sector discharges them. */
const NUTRIENTS: readonly Range[] = [
  ['TN', 'mg/L', 0, 100],
  ['TP', 'mg/L', 0, 20],
];

/** A stack's gas instruments after Flow and Temp (set by the sector). */
const STACK_GAS: readonly Range[] = [
  ['P', 'kPa', 80, 120],
  ['O2', '%', 0, 25],
  ['PM', 'mg/Nm3', 0, 1000],
  ['SO2', 'mg/Nm3', 0, 2000],
  ['NOx', 'mg/Nm3', 0, 2000],
  ['CO', 'mg/Nm3', 0, 2000],
];

const param = ([parameter, unit, rangeMin, rangeMax]: Range): StationParameter => ({ parameter, unit, rangeMin, rangeMax });

/** The smallest 1, 2, 2.5 or 5 x 10^k at or above x: an instrument's full scale. */
function fullScale(x: number): number {
  const exp = 10 ** Math.floor(Math.log10(x));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= x) return step * exp;
  return 10 * exp;
}

/** A wastewater outlet's parameters: Flow up to three times the mean hourly discharge, then the rest. */
export function wastewaterParameters(dischargeM3PerDay: number, nutrients: boolean): StationParameter[] {
  const peak = (dischargeM3PerDay / 24) * 3;
  return [param(['Flow', 'm3/h', 0, fullScale(peak)]), ...[...WASTEWATER, ...(nutrients ? NUTRIENTS : [])].map(param)];
}

/** A stack's parameters: Flow up to 1.5 times its design flow, Temp to the sector's range, then the gases. */
export function stackParameters(designFlow: number, tempMax: number): StationParameter[] {
  return [param(['Flow', 'Nm3/h', 0, fullScale(designFlow * 1.5)]), param(['Temp', '°C', 0, tempMax]), ...STACK_GAS.map(param)];
}
