import type { Catalogue, Station } from '../core/index.js';

/** Typical levels per parameter, used when a parameter has no limit to scale from. */
const TYPICAL: Record<string, number> = { Flow: 120, Temp: 31, pH: 7.2, P: 101.3, O2: 9.5 };

/** A value generator per station parameter: a steady level below the limit plus noise. */
export function typicalValue(catalogue: Catalogue, station: Station, parameter: string, random: () => number, at: Date): number {
  if (parameter === 'pH') return round(7.2 + (random() - 0.5) * 0.6, 2);
  const limit = catalogue.limitAt(station.id, parameter, at);
  const level = limit ? limit.max * 0.45 : TYPICAL[parameter] ?? 10;
  const flowScale = parameter === 'Flow' && station.kind === 'stack' ? 400 : 1;
  return round(level * flowScale * (1 + (random() - 0.5) * 0.2), 2);
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
