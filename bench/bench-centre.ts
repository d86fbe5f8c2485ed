/**
 * The centre under test (docs/PERFORMANCE.md, "How it is measured", step 2): the demo's seeds
 * grown to the national-scale catalogue, the demo's rules made to fire at once, and the centre
 * started as its own process on them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogueFile } from '../core/index.js';
import { centreEnv, type BenchArgs } from './bench-args.js';
import { benchCatalogue } from './bench-catalogue.js';
import { startCentreProcess, type CentreProcess } from './centre-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface BenchRules {
  defaults: { threshold: { forS: number } };
  stations?: unknown;
}

/** The demo's rules without its per-station overrides (they name demo stations), and thresholds that fire at once. */
export function benchRules(rules: BenchRules): BenchRules {
  const { stations: _demoStations, ...rest } = rules;
  return { ...rest, defaults: { ...rest.defaults, threshold: { ...rest.defaults.threshold, forS: 0 } } };
}

/** Writes the bench's catalogue and rules into `dir` and starts the centre on them, against InfluxDB's database `bench`. */
export async function startBenchCentre(
  dir: string,
  influxUrl: string,
  args: BenchArgs,
): Promise<{ centre: CentreProcess; catalogue: CatalogueFile; cataloguePath: string; rulesPath: string }> {
  const base = JSON.parse(await readFile(join(ROOT, 'seeds', 'catalogue.json'), 'utf8')) as CatalogueFile;
  const catalogue = benchCatalogue(base, args.stations);
  const cataloguePath = join(dir, 'catalogue.json');
  await writeFile(cataloguePath, JSON.stringify(catalogue));
  const rulesPath = join(dir, 'rules.json');
  await writeFile(
    rulesPath,
    JSON.stringify(benchRules(JSON.parse(await readFile(join(ROOT, 'seeds', 'rules.json'), 'utf8')) as BenchRules)),
  );
  const centre = await startCentreProcess({
    dir: join(dir, 'centre'),
    influxUrl,
    cataloguePath,
    catalogue,
    connections: args.connections,
    db: 'bench',
    env: { ALERTS_RULES_FILE: rulesPath, ...centreEnv(args.centreEnv) },
    nodeArgs: [
      ...(args.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(ROOT, 'bench', 'results', 'profiles')] : []),
      ...args.centreNodeArgs.split(' ').filter(Boolean),
    ],
  });
  return { centre, catalogue, cataloguePath, rulesPath };
}
