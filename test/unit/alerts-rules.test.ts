import { afterEach, describe, expect, it } from 'vitest';
import { createAlertsFixture, STATION, STATION_B, type AlertsFixture } from '../helpers/alerts-fixture.js';

// Each rule's firing and clearing boundaries, in virtual time (issue 5, "Done when").
const MIN = 60_000;

describe('alert rules in virtual time', () => {
  let f: AlertsFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });
  const at = (ms: number): number => f!.vt.now() + ms;

  describe('1. threshold', () => {
    it('warns from 80 % of the limit, goes critical only above it, and escalates the same alert', async () => {
      f = await createAlertsFixture({ rules: { version: 1, defaults: { threshold: { forS: 0 } } } });
      f.reading('COD', 59.99);
      expect(f.alerts.open({ rule: 'threshold' })).toEqual([]);
      f.reading('COD', 60, { atMs: at(MIN) });
      const [raised] = f.ofType('raised', 'threshold');
      expect(raised?.alert).toMatchObject({
        id: `${STATION}|COD|threshold`,
        severity: 'warning',
        state: 'firing',
        value: 60,
        limit: 75,
        unit: 'mg/L',
      });
      expect(raised?.alert.message).toBe('COD 60 mg/L at 80% of the limit 75 mg/L');
      f.reading('COD', 75, { atMs: at(MIN) });
      expect(f.ofType('escalated')).toHaveLength(0); // at the limit is not above it
      f.reading('COD', 75.01, { atMs: at(MIN) });
      const escalated = f.ofType('escalated', 'threshold');
      expect(escalated).toHaveLength(1);
      expect(escalated[0]!.alert).toMatchObject({ id: raised!.alert.id, severity: 'critical', value: 75.01 });
      expect(escalated[0]!.alert.message).toBe('COD 75.01 mg/L above the limit 75 mg/L');
      expect(f.alerts.open({ rule: 'threshold' })).toHaveLength(1);
      expect(f.ofType('raised', 'threshold')).toHaveLength(1);
    });

    it('is pending for `for` (default 120 s) before it fires; a shorter excursion leaves no trace', async () => {
      f = await createAlertsFixture();
      f.reading('COD', 80);
      expect(f.alerts.open({ rule: 'threshold' })).toMatchObject([{ state: 'pending', severity: 'critical' }]);
      f.reading('COD', 50, { atMs: at(MIN) });
      expect(f.alerts.open({ rule: 'threshold' })).toEqual([]);
      const start = at(MIN);
      f.reading('COD', 80, { atMs: start });
      f.reading('COD', 81, { atMs: start + MIN });
      expect(f.alerts.open({ rule: 'threshold' })[0]?.state).toBe('pending');
      expect(f.ofType('raised', 'threshold')).toHaveLength(0);
      f.reading('COD', 82, { atMs: start + 2 * MIN });
      const raised = f.ofType('raised', 'threshold');
      expect(raised).toHaveLength(1);
      expect(raised[0]!.alert).toMatchObject({ state: 'firing', severity: 'critical', since: start, firedAt: start + 2 * MIN });
      expect(f.lines.filter((l) => l.includes('type=raised'))).toHaveLength(1);
    });

    it('resolves only below the warning level minus the deadband, held for clearFor (hysteresis)', async () => {
      f = await createAlertsFixture({ rules: { version: 1, defaults: { threshold: { forS: 0 } } } });
      f.reading('COD', 80);
      expect(f.ofType('raised', 'threshold')).toHaveLength(1);
      // 56.25 = 60 - 0.05 x 75: between it and 60 the alert holds, however long.
      f.series('COD', 20, MIN, (i) => 56.3 + (i % 2) * 3, {});
      expect(f.ofType('resolved', 'threshold')).toHaveLength(0);
      const clearStart = at(MIN);
      f.reading('COD', 56.2, { atMs: clearStart });
      f.reading('COD', 55, { atMs: clearStart + 4 * MIN + 59_000 });
      expect(f.ofType('resolved', 'threshold')).toHaveLength(0);
      f.reading('COD', 55.5, { atMs: clearStart + 5 * MIN });
      const resolved = f.ofType('resolved', 'threshold');
      expect(resolved).toHaveLength(1);
      expect(resolved[0]!.alert).toMatchObject({ state: 'resolved', updatedAt: clearStart + 5 * MIN });
      expect(f.alerts.open({ rule: 'threshold' })).toEqual([]);
    });

    it('checks the lower limit too where there is one (pH 6 to 9)', async () => {
      f = await createAlertsFixture({ rules: { version: 1, defaults: { threshold: { forS: 0 } } } });
      f.reading('pH', 6.31);
      expect(f.ofType('raised')).toHaveLength(0);
      f.reading('pH', 6.29, { atMs: at(MIN) });
      expect(f.ofType('raised', 'threshold')[0]?.alert).toMatchObject({
        parameter: 'pH',
        severity: 'warning',
        limit: 6,
        message: 'pH 6.29 near the lower limit 6',
      });
      f.reading('pH', 5.99, { atMs: at(MIN) });
      expect(f.ofType('escalated', 'threshold')[0]?.alert).toMatchObject({
        severity: 'critical',
        message: 'pH 5.99 below the lower limit 6',
      });
      f.reading('pH', 6.44, { atMs: at(MIN) });
      f.reading('pH', 6.44, { atMs: at(10 * MIN) });
      expect(f.ofType('resolved', 'threshold')).toHaveLength(0);
      f.reading('pH', 6.46, { atMs: at(MIN) });
      f.reading('pH', 7.0, { atMs: at(5 * MIN) });
      expect(f.ofType('resolved', 'threshold')).toHaveLength(1);
      f.reading('pH', 8.71, { atMs: at(MIN) });
      expect(f.ofType('raised', 'threshold').at(-1)?.alert.message).toBe('pH 8.71 at 97% of the limit 9');
    });

    it('never counts status 01 or 02 readings (DOMAIN.md)', async () => {
      f = await createAlertsFixture({ rules: { version: 1, defaults: { threshold: { forS: 0 } } } });
      f.series('COD', 10, MIN, () => 200, { status: '01' });
      f.series('COD', 10, MIN, () => 200, { status: '02' });
      expect(f.events.filter((e) => e.alert.rule === 'threshold' || e.alert.rule === 'average')).toEqual([]);
      f.reading('COD', 200, { atMs: at(MIN) });
      expect(f.ofType('raised', 'threshold')).toHaveLength(1);
    });
  });

  describe('2. rolling average', () => {
    const only = { version: 1, defaults: { threshold: { enabled: false }, trend: { enabled: false } } };

    it('fires "non-compliance" when the 60-min mean of status-00 values is above the limit and 3 of 4 quarter-hours have data', async () => {
      f = await createAlertsFixture({ rules: only });
      f.series('COD', 30, MIN, (i) => 80 + (i % 3) * 0.5); // minutes 0..29: two quarters
      expect(f.ofType('raised', 'average')).toHaveLength(0);
      f.reading('COD', 80, { atMs: at(MIN) }); // minute 30: the window's second quarter now holds minute 0
      const [raised] = f.ofType('raised', 'average');
      expect(raised?.alert).toMatchObject({ severity: 'critical', rule: 'average', limit: 75 });
      expect(raised?.alert.message).toMatch(/^non-compliance: 60-min mean of COD 80\.\d+ mg\/L above the limit 75 mg\/L/);
    });

    it('holds off while only 2 of 4 quarter-hours have data, and fires once a third has', async () => {
      f = await createAlertsFixture({ rules: only });
      const t0 = f.vt.now();
      f.series('COD', 15, MIN, (i) => 90 + (i % 2)); // minutes 0..14
      f.reading('COD', 90, { atMs: t0 + 59 * MIN }); // minutes 45..59: the last quarter
      expect(f.ofType('raised', 'average')).toHaveLength(0);
      f.reading('COD', 90, { atMs: t0 + 60 * MIN }); // the window slid: 1..60 has data in 0-14 and 45-60 only
      expect(f.ofType('raised', 'average')).toHaveLength(0);

      await f.close();
      f = await createAlertsFixture({ rules: only });
      const t1 = f.vt.now();
      f.series('COD', 15, MIN, (i) => 90 + (i % 2));
      f.reading('COD', 90, { atMs: t1 + 35 * MIN });
      f.reading('COD', 91, { atMs: t1 + 59 * MIN });
      expect(f.ofType('raised', 'average')).toHaveLength(1);
    });

    it('never counts status-01 values: calibration gas does not make a violation', async () => {
      f = await createAlertsFixture({ rules: only });
      for (let i = 0; i < 60; i++) {
        f.reading('COD', 70 + (i % 3) * 0.5, { atMs: at(i === 0 ? 0 : 30_000) });
        f.reading('COD', 300, { atMs: at(30_000), status: '01' });
      }
      expect(f.ofType('raised', 'average')).toHaveLength(0);
    });

    it('resolves once the mean is below the limit minus the deadband for clearFor', async () => {
      f = await createAlertsFixture({ rules: only });
      f.series('COD', 40, MIN, (i) => 80 + (i % 3) * 0.5);
      expect(f.ofType('raised', 'average')).toHaveLength(1);
      f.series('COD', 40, MIN, (i) => 60 + (i % 3) * 0.5);
      const resolved = f.ofType('resolved', 'average');
      expect(resolved).toHaveLength(1);
      expect(f.ofType('raised', 'average')).toHaveLength(1);
    });
  });

  describe('4. rate of change', () => {
    it('fires when pH changes faster than the configured rate per minute, and clears', async () => {
      f = await createAlertsFixture({ rules: { version: 1, parameters: { pH: { rate: { maxPerMin: 1 } } } } });
      f.reading('pH', 7.0);
      f.reading('pH', 7.9, { atMs: at(MIN) });
      expect(f.ofType('raised', 'rate')).toHaveLength(0);
      f.reading('pH', 9.0, { atMs: at(MIN) });
      const [raised] = f.ofType('raised', 'rate');
      expect(raised?.alert).toMatchObject({ parameter: 'pH', severity: 'warning', limit: 1 });
      expect(raised?.alert.value).toBeCloseTo(1.1, 6);
      f.vt.advanceBy(MIN);
      f.series('pH', 5, MIN, () => 9.0); // +1..+5 min: no change, clear for clearFor (300 s)
      expect(f.ofType('resolved', 'rate')).toHaveLength(0);
      f.reading('pH', 9.0, { atMs: at(MIN) });
      expect(f.ofType('resolved', 'rate')).toHaveLength(1);
    });

    it('is off for parameters without a configured rate', async () => {
      f = await createAlertsFixture();
      f.reading('COD', 10);
      f.reading('COD', 70, { atMs: at(MIN) });
      expect(f.ofType('raised', 'rate')).toHaveLength(0);
    });
  });

  describe('5. transmission interrupted', () => {
    it('fires with no data at all, on the wall clock: silent longer than max(3 x interval, floor)', async () => {
      f = await createAlertsFixture();
      const t0 = f.vt.now();
      f.vt.advanceTo(t0 + 300_000); // exactly the floor: not longer than it
      expect(f.ofType('raised', 'stale')).toHaveLength(0);
      f.vt.advanceTo(t0 + 305_000); // the next 5 s tick
      const raised = f.ofType('raised', 'stale');
      expect(raised.map((e) => e.alert.station).sort()).toEqual([STATION, STATION_B].sort());
      expect(raised[0]!.alert).toMatchObject({ parameter: '*', severity: 'warning', rule: 'stale' });
      expect(raised[0]!.alert.message).toBe('transmission interrupted: no data for 5 min (expected every 60 s)');
      f.vt.advanceTo(t0 + 3_605_000);
      expect(f.ofType('escalated', 'stale')).toHaveLength(2);
      f.reading('COD', 40);
      expect(f.ofType('resolved', 'stale').map((e) => e.alert.station)).toEqual([STATION]);
      expect(f.alerts.open({ rule: 'stale' }).map((a) => a.station)).toEqual([STATION_B]);
    });

    it('fires when the gateway has been offline by its will for a minute, and clears when it is back', async () => {
      f = await createAlertsFixture();
      f.presence$.next({ station: STATION, state: 'offline', ts: f.vt.now(), reason: 'will' });
      f.vt.advanceBy(55_000);
      expect(f.ofType('raised', 'stale')).toHaveLength(0);
      f.vt.advanceBy(5_000); // willGraceS: 60
      expect(f.ofType('raised', 'stale')[0]?.alert.message).toBe('transmission interrupted: the gateway went offline (MQTT will)');
      f.presence$.next({ station: STATION, state: 'online', ts: f.vt.now(), reason: 'status' });
      expect(f.ofType('resolved', 'stale')).toHaveLength(1);
    });

    it('ignores a gateway that reconnects within the grace, and a clean disconnect', async () => {
      f = await createAlertsFixture();
      f.presence$.next({ station: STATION, state: 'offline', ts: f.vt.now(), reason: 'will' });
      f.vt.advanceBy(20_000);
      f.presence$.next({ station: STATION, state: 'online', ts: f.vt.now(), reason: 'status' });
      f.reading('COD', 40);
      f.presence$.next({ station: STATION, state: 'offline', ts: f.vt.now(), reason: 'disconnect' });
      f.vt.advanceBy(120_000);
      expect(f.ofType('raised', 'stale').filter((e) => e.alert.station === STATION)).toHaveLength(0);
    });
  });

  describe('6. sensor fault', () => {
    it('fires on status 02 lasting longer than 15 min, and clears after a minute of good data', async () => {
      f = await createAlertsFixture();
      f.series('COD', 15, MIN, () => 40, { status: '02' }); // 0..14 min
      expect(f.ofType('raised', 'sensor_fault')).toHaveLength(0);
      f.reading('COD', 40, { atMs: at(MIN), status: '02' });
      const [raised] = f.ofType('raised', 'sensor_fault');
      expect(raised?.alert.message).toBe('COD sensor fault: device fault (status 02) for 15 min');
      f.reading('COD', 41, { atMs: at(MIN) });
      expect(f.ofType('resolved', 'sensor_fault')).toHaveLength(0);
      f.reading('COD', 42, { atMs: at(MIN) });
      expect(f.ofType('resolved', 'sensor_fault')).toHaveLength(1);
    });

    it('fires on a flatline of 30 identical values, not 29', async () => {
      f = await createAlertsFixture();
      f.series('TSS', 29, MIN, () => 12.5);
      expect(f.ofType('raised', 'sensor_fault')).toHaveLength(0);
      f.reading('TSS', 12.5, { atMs: at(MIN) });
      expect(f.ofType('raised', 'sensor_fault')[0]?.alert.message).toBe('TSS sensor fault: flatline: 30 identical values (12.5 mg/L)');
    });

    it("fires on a value outside the instrument's range, which never counts toward compliance", async () => {
      f = await createAlertsFixture({ rules: { version: 1, defaults: { threshold: { forS: 0 } } } });
      f.reading('COD', 600);
      expect(f.ofType('raised', 'sensor_fault')[0]?.alert.message).toBe(
        "COD sensor fault: 600 mg/L outside the instrument's range 0 to 500",
      );
      expect(f.ofType('raised', 'threshold')).toHaveLength(0);
    });
  });

  describe('7. storage backlog', () => {
    it('raises from the storage condition, escalates under backpressure and resolves when the backlog is gone', async () => {
      f = await createAlertsFixture();
      f.storage$.next({ backlog: true, spoolBytes: 600, budgetBytes: 1000, backpressure: 'none' });
      expect(f.alerts.open({ rule: 'backlog' })[0]?.state).toBe('pending');
      f.vt.advanceBy(30_000);
      const [raised] = f.ofType('raised', 'backlog');
      expect(raised?.alert).toMatchObject({
        station: 'centre',
        zone: 'centre',
        parameter: '*',
        severity: 'warning',
        message: 'storage backlog: spool at 60% of its disk budget',
      });
      f.storage$.next({ backlog: true, spoolBytes: 900, budgetBytes: 1000, backpressure: 'slowing' });
      f.vt.advanceBy(30_000);
      expect(f.ofType('escalated', 'backlog')[0]?.alert.message).toBe(
        'storage backlog: spool at 90% of its disk budget; admission slowing',
      );
      f.storage$.next({ backlog: false, spoolBytes: 0, budgetBytes: 1000, backpressure: 'none' });
      f.vt.advanceBy(55_000);
      expect(f.ofType('resolved', 'backlog')).toHaveLength(0);
      f.vt.advanceBy(5_000);
      expect(f.ofType('resolved', 'backlog')).toHaveLength(1);
    });
  });
});
