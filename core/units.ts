import { z } from 'zod';

/** Canonical units of the catalogue (docs/DOMAIN.md, "Stations and parameters"). */
export const UNITS = ['m3/h', 'Nm3/h', '°C', 'pH', 'mg/L', 'Pt-Co', 'kPa', '%', 'mg/Nm3', 'ppm', 'µg/m3', 'NTU'] as const;

export const UnitSchema = z.enum(UNITS);
export type Unit = z.infer<typeof UnitSchema>;

/** Spellings gateways send that mean a canonical unit (PROTOCOL.md, "Readings message"). */
const ALIASES: Readonly<Record<string, Unit>> = {
  'mg/l': 'mg/L',
  'MG/L': 'mg/L',
  'm³/h': 'm3/h',
  'Nm³/h': 'Nm3/h',
  'nm3/h': 'Nm3/h',
  'mg/nm3': 'mg/Nm3',
  'mg/Nm³': 'mg/Nm3',
  oC: '°C',
  degC: '°C',
  C: '°C',
  '℃': '°C',
  ptco: 'Pt-Co',
  'Pt/Co': 'Pt-Co',
  '-': 'pH',
  '': 'pH',
};

const CANONICAL = new Set<string>(UNITS);

/** Returns the canonical spelling of a unit, or undefined when it is no unit we know. */
export function normaliseUnit(unit: string): Unit | undefined {
  const trimmed = unit.trim();
  if (CANONICAL.has(trimmed)) return trimmed as Unit;
  return ALIASES[trimmed];
}
