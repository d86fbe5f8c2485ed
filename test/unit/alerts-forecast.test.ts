import { afterEach, describe, expect, it } from 'vitest';
import { createAlertsFixture, type AlertsFixture } from '../helpers/alerts-fixture.js';
import { createPrng } from '../../simulators/prng.js';

// Rule 3: a simulated slow drift toward a limit gets a forecast warning before the first
// exceedance (issue 5, "Done when"), in virtual time.
const MIN = 60_000;

/** A seeded PRNG, so the noise is the same on every run. */
const prng = createPrng;

describe('trend forecast', () => {
  let f: AlertsFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  /** Feeds a drifting COD series; returns the time of the first reading above the limit. */
  const drift = (
    fx: AlertsFixture,
    opts: { start: number; perMin: number; noise: number; stepMin: number; minutes: number; seed: number },
  ): number | undefined => {
    const random = prng(opts.seed);
    let firstExceedance: number | undefined;
    for (let m = 0; m <= opts.minutes; m += opts.stepMin) {
      const value = Math.round((opts.start + opts.perMin * m + (random() - 0.5) * 2 * opts.noise) * 100) / 100;
      fx.reading('COD', value, { atMs: fx.vt.now() + (m === 0 ? 0 : opts.stepMin * MIN) });
      if (value > 75 && firstExceedance === undefined) firstExceedance = fx.vt.now();
    }
    return firstExceedance;
  };

  it('warns "forecast to exceed at HH:MM" before the first exceedance of a slow drift with noise (one-minute data)', async () => {
    f = await createAlertsFixture();
    const t0 = f.vt.now();
    const firstExceedance = drift(f, { start: 40, perMin: 0.5, noise: 2, stepMin: 1, minutes: 90, seed: 7 });
    expect(firstExceedance).toBeDefined();
    const [forecast] = f.ofType('raised', 'trend');
    expect(forecast).toBeDefined();
    expect(forecast!.alert.firedAt!).toBeLessThan(firstExceedance!);
    // Also well before the threshold rule's own early warning at 80 % of the limit.
    const thresholdWarning = f.ofType('raised', 'threshold')[0];
    expect(thresholdWarning).toBeDefined();
    expect(forecast!.alert.firedAt!).toBeLessThan(thresholdWarning!.alert.firedAt!);
    expect(forecast!.alert).toMatchObject({ severity: 'warning', rule: 'trend', limit: 75, unit: 'mg/L' });
    expect(forecast!.alert.message).toMatch(/^COD forecast to exceed 75 mg\/L at \d\d:\d\d \(UTC\+7\); one-minute mean now [\d.]+ mg\/L$/);
    // The true crossing of the underlying line is at 70 min; the forecast lands near it.
    expect(Math.abs(forecast!.alert.forecastAt! - (t0 + 70 * MIN))).toBeLessThan(15 * MIN);
    expect(forecast!.alert.forecastAt! - forecast!.alert.firedAt!).toBeLessThanOrEqual(60 * MIN);
    // One alert, not a stream of them as the forecast moves.
    expect(f.ofType('raised', 'trend')).toHaveLength(1);
  });

  it('also warns ahead with a 5-minute logger (six one-minute means in 30 min)', async () => {
    f = await createAlertsFixture();
    const firstExceedance = drift(f, { start: 40, perMin: 0.5, noise: 1, stepMin: 5, minutes: 100, seed: 11 });
    const [forecast] = f.ofType('raised', 'trend');
    expect(forecast).toBeDefined();
    expect(forecast!.alert.firedAt!).toBeLessThan(firstExceedance!);
  });

  it('stays quiet on noise around a steady level (R-squared below 0.6)', async () => {
    f = await createAlertsFixture();
    drift(f, { start: 60, perMin: 0, noise: 8, stepMin: 1, minutes: 180, seed: 3 });
    expect(f.ofType('raised', 'trend')).toHaveLength(0);
  });

  it('stays quiet when the line reaches the limit only beyond the 60-min horizon', async () => {
    f = await createAlertsFixture();
    drift(f, { start: 40, perMin: 0.1, noise: 0.3, stepMin: 1, minutes: 120, seed: 5 }); // at 52 after 2 h, 230 min to go
    expect(f.ofType('raised', 'trend')).toHaveLength(0);
  });

  it('forecasts a fall below a lower limit (pH toward 6)', async () => {
    f = await createAlertsFixture();
    const random = prng(9);
    for (let m = 0; m <= 40; m++)
      f.reading('pH', Math.round((7.5 - 0.03 * m + (random() - 0.5) * 0.04) * 100) / 100, { atMs: f.vt.now() + (m === 0 ? 0 : MIN) });
    const [forecast] = f.ofType('raised', 'trend');
    expect(forecast?.alert.message).toMatch(/^pH forecast to fall below 6 at \d\d:\d\d/);
  });

  it('does not forecast from a backlog forwarded late (the forecast would be about the past)', async () => {
    f = await createAlertsFixture();
    const t0 = f.vt.now();
    f.vt.advanceBy(3 * 3_600_000); // the gateway was offline 3 h and now forwards what it stored
    for (let m = 0; m <= 60; m++) f.reading('COD', 40 + 0.5 * m + (m % 2) * 0.3, { ts: t0 + m * MIN });
    expect(f.ofType('raised', 'trend')).toHaveLength(0);
    // The threshold rule still judges the late data: a compliance matter, whenever it arrives.
    expect(f.ofType('raised', 'threshold')).toHaveLength(1);
  });

  it('resolves when the drift turns back', async () => {
    f = await createAlertsFixture();
    drift(f, { start: 40, perMin: 0.5, noise: 0.5, stepMin: 1, minutes: 30, seed: 1 });
    expect(f.ofType('raised', 'trend')).toHaveLength(1);
    for (let m = 1; m <= 40; m++) f.reading('COD', 55 - 0.3 * m + (m % 2) * 0.2, { atMs: f.vt.now() + MIN });
    expect(f.ofType('resolved', 'trend')).toHaveLength(1);
  });

  it('takes back a forecast whose line crossed the limit in the past while the values are back below (the end of a spill)', async () => {
    f = await createAlertsFixture({ rules: { version: 1, defaults: { threshold: { enabled: false } } } });
    // A steady rise over 25 minutes to above the limit, then back to normal at once: the 30-minute
    // line still slopes up, and crosses the limit in the past.
    for (let m = 0; m < 25; m++) f.reading('COD', 30 + 2.4 * m + (m % 3) * 0.4, { atMs: f.vt.now() + MIN });
    const raisedWhileHigh = f.ofType('raised', 'trend').length;
    expect(raisedWhileHigh).toBe(1);
    // Back below for the rule's clearing time: the forecast resolves, and none is raised again.
    for (let m = 0; m < 12; m++) f.reading('COD', 30 + (m % 3) * 0.4, { atMs: f.vt.now() + MIN });
    expect(f.ofType('raised', 'trend')).toHaveLength(1);
    expect(f.ofType('resolved', 'trend')).toHaveLength(1);
  });
});
