import type { CatalogueFile, Station } from '../core/index.js';

/**
 * The national scale for benchmarks: `count` stack stations (8 parameters each: Flow, Temp, P,
 * O2, PM, SO2, NOx, CO), cloned from the demo catalogue's stacks with new ids and spread
 * over its zones and facilities.
 */
export function benchCatalogue(base: CatalogueFile, count: number): CatalogueFile {
  const stacks = base.stations.filter((s) => s.kind === 'stack' && s.parameters.length === 8);
  if (stacks.length === 0) throw new Error('the base catalogue has no 8-parameter stack station');
  const stations: Station[] = [];
  for (let i = 0; i < count; i++) {
    const proto = stacks[i % stacks.length]!;
    const { legacyPrefix: _drop, ...rest } = proto;
    stations.push({ ...rest, id: `BENCH-KT${String(i).padStart(5, '0')}`, name: `${proto.name} (bench ${i})`, intervalS: 1 });
  }
  // Zones keep no treatment plant: its stations are not among the clones.
  return { ...base, zones: base.zones.map(({ treatmentPlant: _plant, ...zone }) => zone), stations };
}
