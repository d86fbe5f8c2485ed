import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue } from '../../core/index.js';
import { createStationScript, MALFORMED_KINDS, ScenarioSpecSchema, type ScenarioInput, type Tick } from '../../simulators/index.js';

const WW = 'BN-YENPHONG-F001-NT1'; // COD limit 75 mg/L, pH 6 to 9
const START = Date.UTC(2026, 10, 23, 2, 0, 0); // 09:00 local
const MIN = 60_000;

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue('seeds/catalogue.json');
});

/** Runs one station's script over `n` samples `stepMs` apart from START. */
function run(scenarios: ScenarioInput[], n: number, stepMs = MIN, seed = 1, station = WW): Tick[] {
  const script = createStationScript({
    catalogue,
    station: catalogue.station(station)!,
    specs: scenarios.map((s) => ScenarioSpecSchema.parse(s)),
    seed,
    runStart: START,
  });
  return Array.from({ length: n }, (_, i) => script.tick(START + i * stepMs));
}
const value = (t: Tick, p: string): number => t.readings.find((r) => r.parameter === p)!.value;
const status = (t: Tick, p: string): string => t.readings.find((r) => r.parameter === p)!.status;

describe('scenarios, per station and parameter, in measurement time', () => {
  it('normal: same values as no scenario at all', () => {
    expect(run([{ name: 'normal', station: WW }], 30)).toEqual(run([], 30));
  });

  it('spike: one sample far above the limit at the given time, only on that parameter, then normal again', () => {
    const base = run([], 20);
    const ticks = run([{ name: 'spike', station: WW, parameter: 'COD', atS: 300 }], 20);
    expect(value(ticks[5]!, 'COD')).toBeGreaterThan(75 * 1.4);
    for (const i of [4, 6, 7]) expect(value(ticks[i]!, 'COD')).toBeLessThan(75 * 0.8);
    expect(ticks.map((t) => value(t, 'TSS'))).toEqual(base.map((t) => value(t, 'TSS')));
    // pH: the level is a fraction of the distance from neutral to the upper limit: 7 + 2 x 1.6.
    const ph = run([{ name: 'spike', station: WW, parameter: 'pH', atS: 0, samples: 3, everyS: 600 }], 25);
    expect([0, 1, 2, 10, 11, 12, 20].map((i) => value(ph[i]!, 'pH') > 9.5)).toEqual([true, true, true, true, true, true, true]);
    expect(value(ph[3]!, 'pH')).toBeLessThan(8);
  });

  it('drift: a noisy ramp from the normal level, crossing the limit late in the window', () => {
    const ticks = run([{ name: 'drift', station: WW, parameter: 'COD', atS: 0, forS: 3600 }], 60);
    const cod = ticks.map((t) => value(t, 'COD'));
    const firstOver = cod.findIndex((v) => v > 75);
    expect(firstOver).toBeGreaterThan(35);
    expect(cod[59]!).toBeGreaterThan(75);
    // Rising overall (means of thirds), though not monotone sample by sample.
    const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(cod.slice(20, 40))).toBeGreaterThan(mean(cod.slice(0, 20)) + 5);
    expect(mean(cod.slice(40))).toBeGreaterThan(mean(cod.slice(20, 40)) + 5);
  });

  it('exceedance: every sample in the window above the limit, normal before and after', () => {
    const ticks = run([{ name: 'exceedance', station: WW, parameter: 'COD', atS: 600, forS: 1800 }], 60);
    expect(ticks.slice(10, 40).every((t) => value(t, 'COD') > 75)).toBe(true);
    expect(ticks.slice(0, 10).every((t) => value(t, 'COD') < 60)).toBe(true);
    expect(ticks.slice(40).every((t) => value(t, 'COD') < 60)).toBe(true);
  });

  it('shift: a parameter without a limit (O2 at a stack) at a multiple of its normal level for the window, noise and cycle kept', () => {
    const STACK = 'HN-QUANGMINH-F006-KT1'; // O2 0-25 %, no limit
    const base = run([], 40, MIN, 1, STACK);
    const ticks = run([{ name: 'shift', station: STACK, parameter: 'O2', atS: 600, forS: 1200 }], 40, MIN, 1, STACK);
    ticks.forEach((t, i) => {
      const normal = value(base[i]!, 'O2');
      if (i >= 10 && i < 30) expect(value(t, 'O2'), `sample ${i}`).toBeCloseTo(normal * 0.5, 1);
      else expect(value(t, 'O2'), `sample ${i}`).toBe(normal);
    });
    expect(ticks.map((t) => value(t, 'CO'))).toEqual(base.map((t) => value(t, 'CO')));
    // Upward, held within the analyser's range.
    const up = run([{ name: 'shift', station: STACK, parameter: 'O2', factor: 10 }], 3, MIN, 1, STACK);
    expect(up.map((t) => value(t, 'O2'))).toEqual([25, 25, 25]);
  });

  it('calibration: status 01, zero gas then span gas, for the window only', () => {
    const ticks = run([{ name: 'calibration', station: WW, parameter: 'COD', atS: 120, forS: 600 }], 15);
    expect(ticks.map((t) => status(t, 'COD'))).toEqual(['00', '00', ...Array(10).fill('01'), '00', '00', '00']);
    expect(value(ticks[3]!, 'COD')).toBeLessThan(2); // zero
    expect(value(ticks[10]!, 'COD')).toBeGreaterThan(0.75 * 500); // span: 80 % of the 0-500 range
    expect(ticks.every((t) => status(t, 'TSS') === '00')).toBe(true);
  });

  it('fault: status 02 and a flatline; or a stuck sensor still saying 00; or values outside the range', () => {
    const flat = run([{ name: 'fault', station: WW, parameter: 'COD', atS: 300 }], 40);
    const during = flat.slice(5).map((t) => value(t, 'COD'));
    expect(new Set(during).size).toBe(1);
    expect(flat.slice(5).every((t) => status(t, 'COD') === '02')).toBe(true);
    const stuck = run([{ name: 'fault', station: WW, parameter: 'COD', status: '00' }], 40);
    expect(new Set(stuck.map((t) => value(t, 'COD'))).size).toBe(1);
    expect(stuck.every((t) => status(t, 'COD') === '00')).toBe(true);
    const range = run([{ name: 'fault', station: WW, parameter: 'COD', mode: 'out_of_range' }], 3);
    expect(value(range[0]!, 'COD')).toBeGreaterThan(500);
  });

  it('dropout: samples lost in the window; with a probability, about that share', () => {
    const all = run([{ name: 'dropout', station: WW, atS: 600, forS: 600 }], 30);
    expect(all.map((t) => t.lost)).toEqual([...Array(10).fill(false), ...Array(10).fill(true), ...Array(10).fill(false)]);
    const some = run([{ name: 'dropout', station: WW, probability: 0.3 }], 1000);
    const share = some.filter((t) => t.lost).length / 1000;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.38);
  });

  it('offline: the gateway is marked without a connection for the window (history samples never are)', () => {
    const ticks = run([{ name: 'offline', station: WW, atS: 120, forS: 180 }], 8);
    expect(ticks.map((t) => t.offline)).toEqual([false, false, true, true, true, false, false, false]);
    const script = createStationScript({
      catalogue,
      station: catalogue.station(WW)!,
      specs: [ScenarioSpecSchema.parse({ name: 'offline', station: WW, atS: -600 })],
      seed: 1,
      runStart: START,
    });
    expect(script.tick(START - 300_000, true).offline).toBe(false);
  });

  it('clock_skew: the gateway stamps its own wrong time; the true time is kept beside it', () => {
    const ticks = run([{ name: 'clock_skew', station: WW, offsetS: -3600 }], 3);
    for (const t of ticks) expect(t.ts - t.trueTs).toBe(-3_600_000);
    expect(run([{ name: 'clock_skew', station: WW }], 1)[0]!.ts - START).toBe(600_000);
  });

  it('malformed: cycles through the defects, every N-th message', () => {
    const ticks = run([{ name: 'malformed', station: WW }], MALFORMED_KINDS.length);
    expect(ticks.map((t) => t.malformed)).toEqual([...MALFORMED_KINDS]);
    const some = run([{ name: 'malformed', station: WW, kinds: ['not_json', 'unit_mismatch'], everyN: 3 }], 7);
    expect(some.map((t) => t.malformed)).toEqual(['not_json', undefined, undefined, 'unit_mismatch', undefined, undefined, 'not_json']);
  });

  it('composes: a drift with spikes on top, and a calibration during an exceedance wins the status', () => {
    const ticks = run(
      [
        { name: 'drift', station: WW, parameter: 'COD', forS: 3600 },
        { name: 'spike', station: WW, parameter: 'COD', atS: 1800, samples: 1 },
      ],
      40,
    );
    expect(value(ticks[30]!, 'COD')).toBeGreaterThan(100);
    expect(value(ticks[29]!, 'COD')).toBeLessThan(75);
    const both = run(
      [
        { name: 'exceedance', station: WW, parameter: 'COD' },
        { name: 'calibration', station: WW, parameter: 'COD', atS: 600, forS: 600 },
      ],
      25,
    );
    expect(both.slice(10, 20).every((t) => status(t, 'COD') === '01')).toBe(true);
    expect(both.slice(20).every((t) => status(t, 'COD') === '00' && value(t, 'COD') > 75)).toBe(true);
  });

  it('is deterministic from the seed, scenarios included', () => {
    const specs: ScenarioInput[] = [
      { name: 'dropout', station: WW, probability: 0.5 },
      { name: 'exceedance', station: WW, parameter: 'NH4' },
    ];
    expect(run(specs, 50, MIN, 9)).toEqual(run(specs, 50, MIN, 9));
    expect(run(specs, 50, MIN, 9)).not.toEqual(run(specs, 50, MIN, 10));
  });

  it('acts in measurement time, so a compressed run shows the same shape as a real-time one', () => {
    // Sampled every 10 s, the exceedance starts at the same measurement time as sampled every minute.
    const fine = run([{ name: 'exceedance', station: WW, parameter: 'COD', atS: 600 }], 70, 10_000);
    expect(fine.findIndex((t) => value(t, 'COD') > 75)).toBe(60);
  });
});
