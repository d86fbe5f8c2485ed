/**
 * Micro-benchmark of the alerts engine's own rate (its target, docs/PERFORMANCE.md "Targets": at least
 * 200,000 readings/s for 2,000 stations x 8 parameters). Run: `node --expose-gc --import tsx bench/alerts-engine.ts [--seconds N]`.
 *
 * Every rule is on (threshold, rolling average, trend, rate, sensor fault; stale on the tick).
 * Readings are made once per series and rewritten in place each round (value and time), so
 * what is measured is the engine, not the allocation of test data. Some series drift past
 * their limits and some go flat, so alerts are raised and resolved along the way.
 * Prints one JSON object. With --expose-gc (as `npm run bench` runs it) it also measures the
 * rules' state in bytes per series.
 */
import { Subject } from 'rxjs';
import { createLogger, parseCatalogue, type Reading } from '../core/index.js';
import { createAlertEngine, createAlerts, createRules } from '../alerts/index.js';

const STATIONS = 2000;
const PARAMS = [
  { parameter: 'Flow', unit: 'Nm3/h', rangeMin: 0, rangeMax: 200_000, typical: 50_000 },
  { parameter: 'Temp', unit: '°C', rangeMin: 0, rangeMax: 400, typical: 160 },
  { parameter: 'O2', unit: '%', rangeMin: 0, rangeMax: 25, typical: 9 },
  { parameter: 'P', unit: 'kPa', rangeMin: 80, rangeMax: 120, typical: 101 },
  { parameter: 'PM', unit: 'mg/Nm3', rangeMin: 0, rangeMax: 1000, limit: 200 },
  { parameter: 'SO2', unit: 'mg/Nm3', rangeMin: 0, rangeMax: 2000, limit: 500 },
  { parameter: 'NOx', unit: 'mg/Nm3', rangeMin: 0, rangeMax: 2000, limit: 850 },
  { parameter: 'CO', unit: 'mg/Nm3', rangeMin: 0, rangeMax: 2000, limit: 1000 },
] as const;

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 3);

function catalogue() {
  const stations = Array.from({ length: STATIONS }, (_, i) => ({
    id: `BENCH-${String(i).padStart(4, '0')}-KT1`,
    facilityId: `F${i % 100}`,
    name: `Stack ${i}`,
    kind: 'stack',
    lat: 21,
    lon: 106,
    intervalS: 60,
    parameters: PARAMS.map((p) => ({ parameter: p.parameter, unit: p.unit, rangeMin: p.rangeMin, rangeMax: p.rangeMax })),
    limits: PARAMS.filter((p) => 'limit' in p).map((p) => ({
      parameter: p.parameter,
      regulation: 'QCVN 19:2009/BTNMT',
      column: 'B',
      base: (p as { limit: number }).limit,
      coefficients: { Kp: 1, Kv: 1 },
      effectiveFrom: '2010-01-01',
    })),
  }));
  return parseCatalogue({
    version: 1,
    parameters: PARAMS.map((p) => ({ symbol: p.parameter, name: p.parameter, nameVi: p.parameter, units: [p.unit] })),
    zones: Array.from({ length: 10 }, (_, i) => ({ id: `Z${i}`, name: `Zone ${i}`, province: 'P', lat: 21, lon: 106 })),
    facilities: Array.from({ length: 100 }, (_, i) => ({ id: `F${i}`, zoneId: `Z${i % 10}`, name: `Facility ${i}`, sector: 'power' })),
    stations,
  });
}

/** A small seeded PRNG: the same data on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  label: string;
  readings: number;
  seconds: number;
  readingsPerS: number;
  events: number;
  openAlerts: number;
}

/** How `run` feeds readings: straight to the engine, or through createAlerts' `readings$`. */
interface Target {
  dispatch: (r: Reading) => void;
  openAlerts: () => number;
  close: () => Promise<void>;
}

async function feedTarget(
  via: 'engine' | 'alerts',
  cat: ReturnType<typeof catalogue>,
  clock: { now(): number },
  onEvent: () => void,
): Promise<Target> {
  if (via === 'engine') {
    const engine = createAlertEngine({
      catalogue: cat,
      rules: createRules({ version: 1, parameters: { Temp: { rate: { maxPerMin: 20 } } } }, cat),
      clock,
      onEvent,
    });
    return { dispatch: (r) => engine.onReading(r), openAlerts: () => engine.open().length, close: async () => undefined };
  }
  const readings$ = new Subject<Reading>();
  const alerts = await createAlerts({
    catalogue: cat,
    readings$,
    rules: createRules({ version: 1, parameters: { Temp: { rate: { maxPerMin: 20 } } } }, cat),
    clock,
    log: createLogger({ level: 'silent' }),
  });
  alerts.events$.subscribe(onEvent);
  return { dispatch: (r) => readings$.next(r), openAlerts: () => alerts.open().length, close: () => alerts.close() };
}

/** One reading object per series, rewritten each round; per-series level and behaviour. */
function makeSeries(cat: ReturnType<typeof catalogue>, t: number) {
  return cat.stations.flatMap((s, si) =>
    PARAMS.map((p, pi) => {
      const level = 'limit' in p ? p.limit * 0.45 : p.typical;
      // 1 % drift toward and past their limit, 0.5 % are stuck (flatline).
      const kind = 'limit' in p && (si * 8 + pi) % 100 === 0 ? 'drift' : (si * 8 + pi) % 200 === 7 ? 'flat' : 'normal';
      const reading: Reading = {
        station: s.id,
        zone: cat.zoneOf(s.id)!.id,
        parameter: p.parameter,
        value: level,
        unit: p.unit,
        status: '00',
        ts: t,
        receivedAt: t,
      };
      return { reading, level, kind, limit: 'limit' in p ? p.limit : 0 };
    }),
  );
}

async function run(label: string, spacingMs: number, via: 'engine' | 'alerts'): Promise<Run> {
  const cat = catalogue();
  let t = Date.parse('2026-11-27T01:00:00Z');
  let events = 0;
  const { dispatch, openAlerts, close } = await feedTarget(via, cat, { now: () => t }, () => {
    events += 1;
  });
  const random = prng(42);
  const series = makeSeries(cat, t);
  const noise = Float64Array.from({ length: 4096 }, () => (random() - 0.5) * 0.2);

  let round = 0;
  const step = (): void => {
    t += spacingMs;
    round += 1;
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      const r = s.reading;
      if (s.kind === 'flat') r.value = s.level;
      else if (s.kind === 'drift')
        r.value = s.level + s.limit * 0.8 * Math.min(1, (round * spacingMs) / 5_400_000) + s.level * noise[(i + round) & 4095]!;
      else r.value = s.level * (1 + noise[(i * 7 + round) & 4095]!);
      r.ts = t;
      r.receivedAt = t;
      dispatch(r);
    }
  };

  // Warm-up (JIT), not measured.
  const warmUntil = performance.now() + 500;
  while (performance.now() < warmUntil) step();
  events = 0;
  let readings = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    step();
    readings += series.length;
  }
  const seconds = (performance.now() - start) / 1000;
  const result = {
    label,
    readings,
    seconds: Math.round(seconds * 1000) / 1000,
    readingsPerS: Math.round(readings / seconds),
    events,
    openAlerts: openAlerts(),
  };
  await close();
  return result;
}

/**
 * The rules' state per series: heap and external (typed array) bytes the engine keeps once
 * every series has seen an hour of readings, measured between full collections. Needs
 * --expose-gc; undefined without it.
 */
function stateBytesPerSeries(): { heap: number; external: number; openAlerts: number } | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  const measure = (): NodeJS.MemoryUsage => {
    gc();
    gc();
    return process.memoryUsage();
  };
  const cat = catalogue();
  const before = measure();
  let t = Date.parse('2026-11-27T01:00:00Z');
  const engine = createAlertEngine({
    catalogue: cat,
    rules: createRules({ version: 1, parameters: { Temp: { rate: { maxPerMin: 20 } } } }, cat),
    clock: { now: () => t },
    onEvent: () => undefined,
  });
  const r: Reading = { station: '', zone: '', parameter: '', value: 0, unit: '', status: '00', ts: t, receivedAt: t };
  for (let minute = 0; minute < 60; minute++) {
    t += 60_000;
    for (const s of cat.stations) {
      for (const p of PARAMS) {
        r.station = s.id;
        r.parameter = p.parameter;
        r.value = ('limit' in p ? p.limit * 0.45 : p.typical) * (1 + (minute % 5) * 0.01);
        r.ts = t;
        engine.onReading(r);
      }
    }
  }
  const after = measure();
  const n = cat.stations.length * PARAMS.length;
  // Read after the measurement, which keeps the engine alive through it.
  return {
    heap: Math.round((after.heapUsed - before.heapUsed) / n),
    external: Math.round((after.arrayBuffers - before.arrayBuffers) / n),
    openAlerts: engine.open().length,
  };
}

// The figure: readings 1 s apart in each series. At 200,000 readings/s over 16,000 series a
// series gets one every 80 ms, so 1 s apart closes more minutes than that load does.
// The stress case closes a minute (trend refit, window slide) on every single reading.
const stateBytes = stateBytesPerSeries();
const runs: Run[] = [];
runs.push(await run('engine, readings 1 s apart per series', 1000, 'engine'));
runs.push(await run('stress: engine, readings 60 s apart (every reading closes a minute)', 60_000, 'engine'));
runs.push(await run('createAlerts via readings$ (Subject, plain subscribe), 1 s apart', 1000, 'alerts'));
const target = 200_000;
console.log(
  JSON.stringify(
    {
      benchmark: 'alerts-engine',
      stations: STATIONS,
      parametersPerStation: PARAMS.length,
      series: STATIONS * PARAMS.length,
      node: process.version,
      target,
      readingsPerS: runs[0]!.readingsPerS,
      meetsTarget: runs[0]!.readingsPerS >= target,
      stateBytesPerSeries: stateBytes,
      loadAverage: (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100),
      runs,
    },
    null,
    2,
  ),
);
