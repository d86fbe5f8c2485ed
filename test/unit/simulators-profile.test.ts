import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue } from '../../core/index.js';
import { createStationModel } from '../../simulators/index.js';

const HOUR = 3_600_000;
// 2026-11-23 00:00 in Vietnam (UTC+7).
const MIDNIGHT_LOCAL = Date.UTC(2026, 10, 22, 17, 0, 0);

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue('seeds/catalogue.json');
});

const series = (model: ReturnType<typeof createStationModel>, from: number, stepMs: number, n: number): Array<Map<string, number>> =>
  Array.from({ length: n }, (_, i) => model.sample(from + i * stepMs));

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((x, y) => x + y, 0) / a.length;
  const mb = b.reduce((x, y) => x + y, 0) / b.length;
  let cov = 0,
    va = 0,
    vb = 0;
  a.forEach((x, i) => {
    cov += (x - ma) * (b[i]! - mb);
    va += (x - ma) ** 2;
    vb += (b[i]! - mb) ** 2;
  });
  return cov / Math.sqrt(va * vb);
}

describe('station profiles', () => {
  it('are deterministic from the seed: same seed same values, another seed other values', () => {
    const station = catalogue.stations[0]!;
    const a = series(createStationModel(catalogue, station, 7), MIDNIGHT_LOCAL, 60_000, 200);
    const b = series(createStationModel(catalogue, station, 7), MIDNIGHT_LOCAL, 60_000, 200);
    const c = series(createStationModel(catalogue, station, 8), MIDNIGHT_LOCAL, 60_000, 200);
    expect(a.map((m) => [...m])).toEqual(b.map((m) => [...m]));
    expect(a.map((m) => [...m])).not.toEqual(c.map((m) => [...m]));
  });

  it('gives wastewater flow a diurnal cycle: the working day well above the night', () => {
    const station = catalogue.stations.find((s) => s.kind === 'wastewater')!;
    const model = createStationModel(catalogue, station, 1);
    const day = series(model, MIDNIGHT_LOCAL, 5 * 60_000, 288);
    const flowAt = (h: number): number => day.slice(h * 12, h * 12 + 12).reduce((x, m) => x + m.get('Flow')!, 0) / 12;
    const night = (flowAt(1) + flowAt(2) + flowAt(3)) / 3;
    const working = (flowAt(9) + flowAt(10) + flowAt(15)) / 3;
    expect(working).toBeGreaterThan(night * 1.4);
  });

  it('correlates concentrations with flow, and at a stack O2 against the combustion gases', () => {
    const ww = catalogue.stations.find((s) => s.kind === 'wastewater')!;
    const w = series(createStationModel(catalogue, ww, 3), MIDNIGHT_LOCAL, 5 * 60_000, 288 * 3);
    expect(
      correlation(
        w.map((m) => m.get('Flow')!),
        w.map((m) => m.get('COD')!),
      ),
    ).toBeGreaterThan(0.3);
    expect(
      correlation(
        w.map((m) => m.get('COD')!),
        w.map((m) => m.get('TSS')!),
      ),
    ).toBeGreaterThan(0.3);

    const stack = catalogue.stations.find((s) => s.kind === 'stack')!;
    const k = series(createStationModel(catalogue, stack, 3), MIDNIGHT_LOCAL, 5 * 60_000, 288 * 3);
    const o2 = k.map((m) => m.get('O2')!);
    expect(
      correlation(
        o2,
        k.map((m) => m.get('Flow')!),
      ),
    ).toBeLessThan(-0.5);
    expect(
      correlation(
        o2,
        k.map((m) => m.get('SO2')!),
      ),
    ).toBeLessThan(-0.3);
    expect(
      correlation(
        o2,
        k.map((m) => m.get('CO')!),
      ),
    ).toBeLessThan(-0.3);
    expect(Math.min(...o2)).toBeGreaterThan(3);
    expect(Math.max(...o2)).toBeLessThan(16);
  });

  it('has correlated noise: successive one-minute values are close, not independent draws', () => {
    const station = catalogue.stations[0]!;
    const s = series(createStationModel(catalogue, station, 5), MIDNIGHT_LOCAL + 10 * HOUR, 60_000, 120).map((m) => m.get('COD')!);
    expect(correlation(s.slice(0, -1), s.slice(1))).toBeGreaterThan(0.6);
    expect(new Set(s).size).toBeGreaterThan(100); // and it is never a flatline
  });

  it('keeps every station below 0.8 x its limits and inside its instrument range over a week of normal operation', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const station of catalogue.stations) {
      const model = createStationModel(catalogue, station, 11);
      const limits = new Map(
        station.parameters.map((p) => [p.parameter, catalogue.limitAt(station.id, p.parameter, new Date(MIDNIGHT_LOCAL))]),
      );
      for (let i = 0; i < 7 * 96; i++) {
        for (const [parameter, value] of model.sample(MIDNIGHT_LOCAL + i * 15 * 60_000)) {
          checked++;
          const p = catalogue.stationParameter(station.id, parameter)!;
          if (value < (p.rangeMin ?? 0) || value > (p.rangeMax ?? Infinity))
            problems.push(`${station.id} ${parameter} ${value} outside the range`);
          const limit = limits.get(parameter);
          if (!limit) continue;
          // pH: inside the inner 80 % of its band; others below 0.8 x the limit (the warning level).
          const margin = limit.lower === undefined ? 0 : ((limit.max - limit.lower) * 0.2) / 2;
          if (limit.lower !== undefined && (value <= limit.lower + margin || value >= limit.max - margin))
            problems.push(`${station.id} pH ${value}`);
          if (limit.lower === undefined && value >= 0.8 * limit.max)
            problems.push(`${station.id} ${parameter} ${value} >= 0.8 x ${limit.max}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(300_000);
    expect(problems.slice(0, 10)).toEqual([]);
  }, 60_000);

  it('sampled every 2 s (the demo), raises no rule by itself: pH moves under 1 per minute and temperature under 5 per minute over a minute (rules: minSpanS 60), and no run of 30 identical values', () => {
    const problems: string[] = [];
    for (const station of catalogue.stations.slice(0, 12)) {
      const model = createStationModel(catalogue, station, 4);
      const samples: Array<Map<string, number>> = [];
      const runs = new Map<string, number>();
      for (let i = 0; i < 3600; i++) {
        const now = model.sample(MIDNIGHT_LOCAL + 6 * HOUR + i * 2000);
        const prev = samples[i - 1];
        const minuteAgo = samples[i - 30];
        samples.push(now);
        for (const [p, v] of now) {
          if (minuteAgo) {
            const perMin = Math.abs(v - minuteAgo.get(p)!);
            if (p === 'pH' && perMin > 1) problems.push(`${station.id} pH ${minuteAgo.get(p)} -> ${v} in a minute`);
            if (p === 'Temp' && perMin > 5) problems.push(`${station.id} Temp ${minuteAgo.get(p)} -> ${v} in a minute`);
          }
          const run = prev !== undefined && v === prev.get(p) ? (runs.get(p) ?? 1) + 1 : 1;
          runs.set(p, run);
          if (run === 30 && p !== 'Flow') problems.push(`${station.id} ${p} flat at ${v}`);
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  }, 60_000);
});
