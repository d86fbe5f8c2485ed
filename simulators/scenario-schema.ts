import { z } from 'zod';
import { AlertRuleSchema, QuantracError, StationIdSchema, StatusSchema, type Catalogue } from '../core/index.js';

/**
 * Named scenarios, composable per station and parameter (docs/SIMULATORS.md). Times are in
 * measurement time, seconds from the start of the run (negative: in the history sent at start).
 * Each one is meant to show one behaviour of the centre:
 * - normal: nothing injected (lists a station explicitly);
 * - spike: a few samples jump far above the limit (threshold, rate of change);
 * - drift: a slow ramp toward and past the limit (trend forecast before the first exceedance);
 * - exceedance: sustained values above the limit (threshold, rolling average);
 * - shift: values at a multiple of their normal level, for parameters without a limit to scale
 *   from (O2 falling at a stack in upset: raises nothing itself, shows with CO and dust);
 * - calibration: status 01, zero gas then span gas (never counts toward compliance);
 * - fault: status 02 and a flatline, or values outside the instrument's range (sensor fault);
 * - dropout: the logger sends nothing (data lost for good) (transmission interrupted);
 * - offline: the gateway loses its connection (will: offline), stores and forwards its backlog
 *   with per-reading timestamps on reconnect (transmission interrupted, nothing lost);
 * - clock_skew: the gateway's clock is off (ahead past the window: readings rejected as in_future);
 * - malformed: bad payloads from a battery of known defects (rejection notices, dead letters).
 */
export const SCENARIO_NAMES = [
  'normal',
  'spike',
  'drift',
  'exceedance',
  'shift',
  'calibration',
  'fault',
  'dropout',
  'offline',
  'clock_skew',
  'malformed',
] as const;
export const ScenarioNameSchema = z.enum(SCENARIO_NAMES);
export type ScenarioName = z.infer<typeof ScenarioNameSchema>;

/** Scenarios that act on a gateway's messages or connection, not on one parameter's values. */
export const STATION_WIDE: ReadonlySet<ScenarioName> = new Set(['normal', 'dropout', 'offline', 'clock_skew', 'malformed']);

export const MALFORMED_KINDS = [
  'not_json',
  'not_utf8',
  'bad_shape',
  'station_mismatch',
  'missing_readings',
  'unknown_parameter',
  'unit_mismatch',
  'wrong_type',
  'not_finite',
  'bad_status',
  'bad_timestamp',
  'too_old',
  'in_future',
] as const;
export const MalformedKindSchema = z.enum(MALFORMED_KINDS);
export type MalformedKind = z.infer<typeof MalformedKindSchema>;

export const ScenarioSpecSchema = z
  .object({
    name: ScenarioNameSchema,
    station: StationIdSchema,
    /** The parameter a value scenario acts on; absent or `*`: every parameter of the station. */
    parameter: z.string().min(1).optional(),
    /** Start, seconds of measurement time from the start of the run (default 0). */
    atS: z.number().default(0),
    /** Length of the window (default: per scenario, else to the end of the run). */
    forS: z.number().positive().optional(),
    /** Repeat the window every this many seconds. */
    everyS: z.number().positive().optional(),
    /** spike, drift (end level), exceedance: the value as a fraction of the limit (pH: of its distance from 7). */
    level: z.number().positive().optional(),
    /** shift: the values as a multiple of their normal level (default 0.5). */
    factor: z.number().positive().optional(),
    /** spike: how many samples each occurrence lasts (default 1; with forS and no samples: the whole window). */
    samples: z.number().int().positive().optional(),
    /** dropout: chance that a message is lost (default 1: total silence). */
    probability: z.number().min(0).max(1).optional(),
    /** clock_skew: how far the gateway's clock is off, seconds (default +600: ahead, past the 300 s window). */
    offsetS: z.number().optional(),
    /** fault: status sent while faulty (default 02; 00 is a stuck sensor that still says "measuring"). */
    status: StatusSchema.optional(),
    /** fault: flatline (default) or values outside the instrument's range. */
    mode: z.enum(['flatline', 'out_of_range']).optional(),
    /** malformed: which defects to cycle through (default all), and every how many messages (default 1). */
    kinds: z.array(MalformedKindSchema).min(1).optional(),
    everyN: z.number().int().positive().optional(),
    /** What the scenario shows, for people reading the file. */
    note: z.string().optional(),
    /** The alert rules it is meant to raise (none: it must raise nothing), for tests and demos. */
    expect: z.array(AlertRuleSchema).optional(),
  })
  .strict();
export type ScenarioSpec = z.infer<typeof ScenarioSpecSchema>;
export type ScenarioInput = z.input<typeof ScenarioSpecSchema>;

/** Default window length per scenario, seconds (undefined: until the end of the run). */
export const DEFAULT_FOR_S: Readonly<Partial<Record<ScenarioName, number>>> = { drift: 1800, calibration: 600, offline: 60 };

export const ScenarioFileSchema = z
  .object({
    description: z.string().optional(),
    seed: z.number().int().nonnegative().optional(),
    /** Which stations run: all (default), the first N of the catalogue, or these ids. */
    stations: z.union([z.literal('all'), z.number().int().positive(), z.array(StationIdSchema)]).optional(),
    /** Messages per second per gateway, wall-clock time. */
    rate: z.number().positive().optional(),
    /** History sent at start as a backlog (per-reading timestamps), seconds before the start. */
    historyS: z.number().nonnegative().optional(),
    /** Spacing of the history's samples, seconds (default 60, a logger's one-minute averages). */
    historyStepS: z.number().positive().optional(),
    durationS: z.number().positive().optional(),
    scenarios: z.array(ScenarioSpecSchema).default([]),
  })
  .strict();
export type ScenarioFile = z.infer<typeof ScenarioFileSchema>;

/** A readable label, as on the command line: `spike:BN-X:COD`. */
export const scenarioLabel = (s: Pick<ScenarioSpec, 'name' | 'station' | 'parameter'>): string =>
  [s.name, s.station, ...(s.parameter === undefined ? [] : [s.parameter])].join(':');

/** Checks scenarios against the catalogue; throws ERR_SCENARIO naming the bad one. */
export function checkScenarios(specs: readonly ScenarioSpec[], catalogue: Catalogue, where = 'scenarios'): void {
  specs.forEach((s, i) => {
    const at = `${where}[${i}] (${scenarioLabel(s)})`;
    const station = catalogue.station(s.station);
    if (!station) throw new QuantracError('ERR_SCENARIO', `${at}: unknown station "${s.station}"`);
    const wide = s.parameter === undefined || s.parameter === '*';
    if (STATION_WIDE.has(s.name) && !wide)
      throw new QuantracError('ERR_SCENARIO', `${at}: ${s.name} acts on the whole gateway; leave the parameter out or write *`);
    if (!wide && !catalogue.stationParameter(s.station, s.parameter!)) {
      throw new QuantracError(
        'ERR_SCENARIO',
        `${at}: ${s.station} does not measure "${s.parameter}" (it measures ${station.parameters.map((p) => p.parameter).join(', ')})`,
      );
    }
  });
}
