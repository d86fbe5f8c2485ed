import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError, type Catalogue } from '../core/index.js';

const seconds = z.number().nonnegative();
const fraction = z.number().min(0).max(1);

/** Rule 1: instantaneous value against the limit (upper; lower too where the limit has one, pH). */
const ThresholdSchema = z
  .object({
    enabled: z.boolean(),
    /** Warning at this fraction of the limit; critical above the limit. */
    warnFraction: fraction,
    /** Two-sided limits (pH): warning this close to a bound; default (1 - warnFraction) x half the band. */
    warnMargin: z.number().positive().optional(),
    /** Hysteresis: clears below the warning level minus this fraction of the limit (of the band when two-sided). */
    deadbandFraction: fraction,
    forS: seconds,
    clearForS: seconds,
  })
  .strict();

/** Rule 2: rolling mean of status-00 values, valid with values in at least `minQuarters` of its 4 quarters (docs/DOMAIN.md, "Averages and data validity"). */
const AverageSchema = z
  .object({
    enabled: z.boolean(),
    windowMin: z.number().int().min(4).max(1440),
    minQuarters: z.number().int().min(1).max(4),
    deadbandFraction: fraction,
    forS: seconds,
    clearForS: seconds,
  })
  .strict();

/** Rule 3: least-squares line over one-minute means, projected to the limit. */
const TrendSchema = z
  .object({
    enabled: z.boolean(),
    windowMin: z.number().int().min(3).max(720),
    horizonMin: z.number().positive().max(1440),
    minR2: fraction,
    /** Fewer one-minute means than this in the window: no forecast (5-minute loggers give 6 in 30 min). */
    minPoints: z.number().int().min(3),
    forS: seconds,
    clearForS: seconds,
  })
  .strict();

/**
 * Rule 4: change of status-00 values per minute, measured over at least `minSpanS` (so a gateway
 * sending every few seconds does not turn sensor noise into a rate). Off unless `maxPerMin` is set.
 */
const RateSchema = z
  .object({
    enabled: z.boolean(),
    maxPerMin: z.number().positive().optional(),
    minSpanS: z.number().positive(),
    deadbandFraction: fraction,
    forS: seconds,
    clearForS: seconds,
  })
  .strict();

/** Rule 6: status 02 for longer than `status02Min`, a flatline of `flatlineCount` identical values (0: off), or out of the instrument's range. */
const SensorFaultSchema = z
  .object({
    enabled: z.boolean(),
    status02Min: z.number().nonnegative(),
    flatlineCount: z.number().int().nonnegative(),
    checkRange: z.boolean(),
    forS: seconds,
    clearForS: seconds,
  })
  .strict();

/** Rule 5: silent longer than max(factor x the station's interval, floorS), or offline by its will. */
const StaleSchema = z
  .object({
    enabled: z.boolean(),
    factor: z.number().positive(),
    floorS: seconds,
    /** Silent this long: critical. */
    criticalAfterS: seconds,
    /** Offline by its will for this long fires (a gateway reconnecting at once is no interruption). */
    willGraceS: seconds,
  })
  .strict();

const FlappingSchema = z
  .object({
    /** More than this many transitions (raised or resolved) within `windowMin` makes one flapping alert. */
    maxTransitions: z.number().int().min(1),
    windowMin: z.number().positive(),
  })
  .strict();

const BacklogSchema = z.object({ enabled: z.boolean(), forS: seconds, clearForS: seconds }).strict();

const SeriesSections = {
  threshold: ThresholdSchema.partial().optional(),
  average: AverageSchema.partial().optional(),
  trend: TrendSchema.partial().optional(),
  rate: RateSchema.partial().optional(),
  sensorFault: SensorFaultSchema.partial().optional(),
};
const SeriesOverrideSchema = z.object(SeriesSections).strict();

/** The rules file (`seeds/rules.json`): defaults, then per-parameter, per-station and per-station-parameter overrides. */
export const RulesFileSchema = z
  .object({
    version: z.literal(1),
    description: z.string().optional(),
    defaults: z
      .object({ ...SeriesSections, stale: StaleSchema.partial().optional() })
      .strict()
      .optional(),
    flapping: FlappingSchema.partial().optional(),
    backlog: BacklogSchema.partial().optional(),
    parameters: z.record(z.string(), SeriesOverrideSchema).optional(),
    stations: z
      .record(
        z.string(),
        z
          .object({
            ...SeriesSections,
            stale: StaleSchema.partial().optional(),
            parameters: z.record(z.string(), SeriesOverrideSchema).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();
export type RulesFile = z.infer<typeof RulesFileSchema>;

export interface SeriesRules {
  threshold: z.infer<typeof ThresholdSchema>;
  average: z.infer<typeof AverageSchema>;
  trend: z.infer<typeof TrendSchema>;
  rate: z.infer<typeof RateSchema>;
  sensorFault: z.infer<typeof SensorFaultSchema>;
}
export type StaleRules = z.infer<typeof StaleSchema>;
export type FlappingRules = z.infer<typeof FlappingSchema>;
export type BacklogRules = z.infer<typeof BacklogSchema>;

/** Built-in defaults; the rules file overrides any of them. */
export const DEFAULT_SERIES_RULES: SeriesRules = {
  threshold: { enabled: true, warnFraction: 0.8, deadbandFraction: 0.05, forS: 120, clearForS: 300 },
  average: { enabled: true, windowMin: 60, minQuarters: 3, deadbandFraction: 0.05, forS: 0, clearForS: 300 },
  trend: { enabled: true, windowMin: 30, horizonMin: 60, minR2: 0.6, minPoints: 5, forS: 0, clearForS: 600 },
  rate: { enabled: true, minSpanS: 60, deadbandFraction: 0.2, forS: 0, clearForS: 300 },
  sensorFault: { enabled: true, status02Min: 15, flatlineCount: 30, checkRange: true, forS: 0, clearForS: 60 },
};
export const DEFAULT_STALE: StaleRules = { enabled: true, factor: 3, floorS: 300, criticalAfterS: 3600, willGraceS: 60 };
export const DEFAULT_FLAPPING: FlappingRules = { maxTransitions: 4, windowMin: 30 };
export const DEFAULT_BACKLOG: BacklogRules = { enabled: true, forS: 30, clearForS: 60 };

/** Resolved rules, looked up once per series and per station (never per reading). */
export interface Rules {
  series(station: string, parameter: string): SeriesRules;
  stale(station: string): StaleRules;
  readonly flapping: FlappingRules;
  readonly backlog: BacklogRules;
}

type Partialish = Partial<Record<keyof SeriesRules, object | undefined>>;

function mergeSeries(base: SeriesRules, over: Partialish | undefined): SeriesRules {
  if (!over) return base;
  return {
    threshold: { ...base.threshold, ...over.threshold },
    average: { ...base.average, ...over.average },
    trend: { ...base.trend, ...over.trend },
    rate: { ...base.rate, ...over.rate },
    sensorFault: { ...base.sensorFault, ...over.sensorFault },
  };
}

/** Resolves a parsed rules file; with a catalogue, an override naming an unknown station or parameter is an error. */
export function createRules(file: RulesFile = { version: 1 }, catalogue?: Catalogue): Rules {
  if (catalogue) {
    for (const [id, st] of Object.entries(file.stations ?? {})) {
      if (!catalogue.station(id)) throw new ConfigError(`rules: stations.${id}: unknown station`);
      for (const p of Object.keys(st.parameters ?? {})) {
        if (!catalogue.stationParameter(id, p))
          throw new ConfigError(`rules: stations.${id}.parameters.${p}: not measured at this station`);
      }
    }
    const symbols = new Set(catalogue.parameters.map((p) => p.symbol));
    for (const p of Object.keys(file.parameters ?? {})) {
      if (!symbols.has(p)) throw new ConfigError(`rules: parameters.${p}: unknown parameter`);
    }
  }
  const base = mergeSeries(DEFAULT_SERIES_RULES, file.defaults);
  const staleBase: StaleRules = { ...DEFAULT_STALE, ...file.defaults?.stale };
  return {
    series(station, parameter) {
      const st = file.stations?.[station];
      let r = mergeSeries(base, file.parameters?.[parameter]);
      r = mergeSeries(r, st);
      return mergeSeries(r, st?.parameters?.[parameter]);
    },
    stale: (station) => ({ ...staleBase, ...file.stations?.[station]?.stale }),
    flapping: { ...DEFAULT_FLAPPING, ...file.flapping },
    backlog: { ...DEFAULT_BACKLOG, ...file.backlog },
  };
}

/** Reads and validates a rules file; errors name the bad entry. */
export async function loadRules(path: string, catalogue: Catalogue): Promise<Rules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`rules: cannot read ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`rules: ${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = RulesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`rules: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return createRules(parsed.data, catalogue);
}
