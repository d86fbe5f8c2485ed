/**
 * The options of `npm run bench` (docs/PERFORMANCE.md, "How it is measured") and the parsing
 * of `--centre-env`.
 */
import { parseArgs } from 'node:util';

/** The options as parsed: numbers where the bench counts, the centre's extras as given. */
export interface BenchArgs {
  steps: number[];
  stepS: number;
  stations: number;
  connections: number;
  /** Dashboard clients on a station page each (a focus on one station), beside the one on the overview. */
  stationPages: number;
  /** The relay step's rate (a province forwarding to a national centre), unless --no-relay. */
  relayRate?: number;
  /** The cluster step's rates (two nodes and Redis on this machine: cluster-step.ts), unless --no-cluster. */
  clusterRates?: number[];
  /** The outage step, unless --no-outage. */
  outage?: { rate: number; outageS: number };
  /** Profile the centre (node --cpu-prof); the .cpuprofile lands in bench/results/profiles/. */
  cpuProf: boolean;
  /** Extra node flags for the centre, space-separated, as given. */
  centreNodeArgs: string;
  /** Extra environment for the centre, NAME=value,NAME=value, as given (parsed by centreEnv when the centre starts). */
  centreEnv: string;
}

export function parseBenchArgs(args: string[] = process.argv.slice(2)): BenchArgs {
  const { values } = parseArgs({
    args,
    options: {
      steps: { type: 'string', default: '10000,20000,50000,100000' },
      'step-s': { type: 'string', default: '60' },
      stations: { type: 'string', default: '2000' },
      connections: { type: 'string', default: '100' },
      'station-pages': { type: 'string', default: '8' },
      'no-outage': { type: 'boolean', default: false },
      'no-relay': { type: 'boolean', default: false },
      'relay-rate': { type: 'string', default: '10000' },
      'no-cluster': { type: 'boolean', default: false },
      'cluster-rates': { type: 'string', default: '20000,50000' },
      'outage-s': { type: 'string', default: '60' },
      'outage-rate': { type: 'string', default: '10000' },
      'cpu-prof': { type: 'boolean', default: false },
      /** Through QUANTRAC_NODE_FLAGS (bin/quantrac), e.g. "--max-semi-space-size=32"; its heap is QUANTRAC_HEAP_MB and QUANTRAC_SEMI_SPACE_MB (--centre-env). */
      'centre-node-args': { type: 'string', default: '' },
      /** e.g. QUANTRAC_HEAP_MB=384. */
      'centre-env': { type: 'string', default: '' },
    },
  });
  return {
    steps: values.steps.split(',').map(Number),
    stepS: Number(values['step-s']),
    stations: Number(values.stations),
    connections: Number(values.connections),
    stationPages: Number(values['station-pages']),
    relayRate: values['no-relay'] ? undefined : Number(values['relay-rate']),
    clusterRates: values['no-cluster'] ? undefined : values['cluster-rates'].split(',').map(Number),
    outage: values['no-outage'] ? undefined : { rate: Number(values['outage-rate']), outageS: Number(values['outage-s']) },
    cpuProf: values['cpu-prof'],
    centreNodeArgs: values['centre-node-args'],
    centreEnv: values['centre-env'],
  };
}

/** `NAME=value,NAME=value` as an environment. */
export function centreEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--centre-env: expected NAME=value, got ${pair}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}
