import { afterEach, describe, expect, it } from 'vitest';
import { AlertEventSchema } from '../../core/index.js';
import { createAlertsFixture, STATION, STATION_B, ZONE, ZONE_B, type AlertsFixture } from '../helpers/alerts-fixture.js';

// Lifecycle, flapping, silences, reminders, escalation and routing, in virtual time.
const MIN = 60_000;
const fast = { version: 1, defaults: { threshold: { forS: 0, clearForS: 0 } } };
const routing = {
  version: 1,
  reminderEveryMin: 30,
  escalateAfterMin: 15,
  routes: {
    north: { email: ['oncall-north@example.vn'] },
    south: { email: ['oncall-south@example.vn'], webhooks: ['ops'] },
    bosses: { email: ['boss@example.vn'] },
  },
  webhooks: { ops: { url: 'http://127.0.0.1:9/hook' } },
  routing: [
    { zones: [ZONE], minSeverity: 'warning', route: 'north', escalateTo: 'bosses' },
    { zones: [ZONE], minSeverity: 'critical', route: 'north' },
    { zones: [ZONE_B], minSeverity: 'critical', route: 'south' },
  ],
};

describe('alert lifecycle and notifications in virtual time', () => {
  let f: AlertsFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });
  const at = (ms: number): number => f!.vt.now() + ms;

  it('keeps one alert per (station, parameter, rule): repeated exceedances never duplicate it', async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    f.series('COD', 10, MIN, (i) => 100 + i);
    expect(f.ofType('raised', 'threshold')).toHaveLength(1);
    expect(f.alerts.open({ station: STATION, rule: 'threshold' })).toHaveLength(1);
    // Two routing rules name the same route for a critical alert: the on-call person gets one e-mail.
    expect(f.emails).toHaveLength(1);
    expect(f.emails[0]!.to).toEqual(['oncall-north@example.vn']);
    expect(f.emails[0]!.subject).toBe('[quantrac] CRITICAL raised: BN-TEST-F001-NT1 COD - COD 100 mg/L above the limit 75 mg/L');
  });

  it('persists every event as an alert_event point and publishes it on alerts/{zone}/{station}', async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    f.reading('COD', 61);
    f.reading('COD', 80, { atMs: at(MIN) });
    const id = `${STATION}|COD|threshold`;
    f.alerts.acknowledge(id, 'nguyen.van.a', 'crew sent, "valve" stuck\nsecond line');
    f.reading('COD', 40, { atMs: at(MIN) });
    expect(f.events.map((e) => e.type)).toEqual(['raised', 'escalated', 'acknowledged', 'resolved']);
    expect(f.lines).toHaveLength(4);
    const raised = f.lines[0]!;
    expect(raised).toMatch(
      /^alert_event,parameter=COD,rule=threshold,severity=warning,station=BN-TEST-F001-NT1,type=raised,zone=YENPHONG /,
    );
    expect(raised).toMatch(/ \d{13}$/);
    expect(f.lines[2]).toContain('acknowledged_by="nguyen.van.a"');
    expect(f.lines[2]).toContain('note="crew sent, \\"valve\\" stuck second line"');
    expect(f.lines.every((l) => !l.slice(0, -1).includes('\n'))).toBe(true);
    // Event times of one alert strictly increase, so the latest one is unambiguous on restore.
    const times = f.events.map((e) => e.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
    expect(f.published.map((p) => p.topic)).toEqual(Array(4).fill(`alerts/${ZONE}/${STATION}`));
    const payload = AlertEventSchema.parse(JSON.parse(f.published[2]!.payload));
    expect(payload.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'nguyen.van.a' });
  });

  it('routes by zone and severity: a warning in a critical-only zone reaches nobody; its escalation does', async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    f.reading('COD', 130, { station: STATION_B }); // 87 % of 150: warning
    expect(f.ofType('raised')).toHaveLength(1);
    expect(f.emails).toHaveLength(0);
    expect(f.posts).toHaveLength(0);
    f.reading('COD', 160, { station: STATION_B, atMs: at(MIN) });
    await f.alerts.flush();
    expect(f.emails.map((e) => e.to)).toEqual([['oncall-south@example.vn']]);
    expect(f.posts).toHaveLength(1);
    f.reading('COD', 61, { atMs: at(1) });
    expect(f.emails.map((e) => e.to).at(-1)).toEqual(['oncall-north@example.vn']);
  });

  it('escalates warning to critical on the same alert, and an acknowledged warning fires again', async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    f.reading('COD', 65);
    const id = `${STATION}|COD|threshold`;
    expect(f.alerts.acknowledge(id, 'tran.thi.b')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'tran.thi.b' });
    f.reading('COD', 90, { atMs: at(MIN) });
    const [esc] = f.ofType('escalated');
    expect(esc?.alert).toMatchObject({ id, severity: 'critical', state: 'firing' });
    expect(esc?.alert.acknowledgedBy).toBeUndefined();
    expect(f.alerts.open({ rule: 'threshold' })).toHaveLength(1);
    expect(f.alerts.acknowledge('nope|COD|threshold', 'x')).toBeUndefined();
    expect(f.alerts.acknowledge(id, '  ')).toBeUndefined();
  });

  it('makes a flapping alert of more than 4 transitions in 30 min: one flapping notice, then nothing until it settles', async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    f.series('COD', 20, MIN, (i) => (i % 2 === 0 ? 80 : 50));
    expect(f.events.filter((e) => e.alert.rule === 'threshold').map((e) => e.type)).toEqual([
      'raised',
      'resolved',
      'raised',
      'resolved',
      'flapping',
    ]);
    expect(f.emails).toHaveLength(5);
    expect(f.emails[4]!.subject).toContain('flapping (further notifications held)');
    expect(f.alerts.open({ rule: 'threshold' })).toMatchObject([{ flapping: true, state: 'firing' }]);
    // It resolves only after being clear for the whole flapping window.
    const clearSince = f.vt.now(); // the last reading of the series was clear
    f.vt.advanceBy(MIN);
    f.series('COD', 29, MIN, () => 50 + Math.random()); // up to 29 min clear
    expect(f.ofType('resolved', 'threshold')).toHaveLength(2);
    f.reading('COD', 50, { atMs: clearSince + 30 * MIN });
    expect(f.ofType('resolved', 'threshold')).toHaveLength(3);
    expect(f.emails).toHaveLength(6);
  });

  it('reminds about an unacknowledged critical alert every 30 min and escalates to the second route after 15 min', async () => {
    // The rolling average would fire its own non-compliance alert after 30 min: this test is about one alert.
    f = await createAlertsFixture({
      rules: { version: 1, defaults: { threshold: { forS: 0, clearForS: 0 }, average: { enabled: false } } },
      notify: routing,
    });
    const t0 = f.vt.now();
    const keepAlive = (until: number): void => {
      // Varying values: 30 identical ones would be a flatline (sensor fault) of their own.
      while (f!.vt.now() + MIN <= until) f!.reading('COD', 100 + Math.random(), { atMs: at(MIN) });
      f!.vt.advanceTo(until);
    };
    f.reading('COD', 100);
    expect(f.emails).toHaveLength(1);
    keepAlive(t0 + 14 * MIN);
    expect(f.emails).toHaveLength(1);
    keepAlive(t0 + 15 * MIN);
    expect(f.emails).toHaveLength(2);
    expect(f.emails[1]).toMatchObject({ to: ['boss@example.vn'] });
    expect(f.emails[1]!.subject).toContain('CRITICAL unacknowledged for 15 min');
    keepAlive(t0 + 30 * MIN);
    expect(f.ofType('reminder')).toHaveLength(1);
    expect(f.emails.at(-1)!.subject).toContain('reminder: still unacknowledged');
    expect(f.emails.at(-1)!.to).toEqual(['oncall-north@example.vn']);
    keepAlive(t0 + 60 * MIN);
    expect(f.ofType('reminder')).toHaveLength(2);
    f.alerts.acknowledge(`${STATION}|COD|threshold`, 'le.van.c', 'on site');
    keepAlive(t0 + 150 * MIN);
    // (Station B, silent all along, has its own critical stale alert routed south after an hour.)
    expect(f.ofType('reminder').filter((e) => e.alert.station === STATION)).toHaveLength(2);
    expect(f.emails.filter((e) => !e.to.includes('oncall-south@example.vn')).map((e) => e.subject.split(':')[0])).toEqual([
      '[quantrac] CRITICAL raised',
      '[quantrac] CRITICAL unacknowledged for 15 min',
      '[quantrac] CRITICAL reminder',
      '[quantrac] CRITICAL reminder',
      '[quantrac] CRITICAL acknowledged',
    ]);
  });

  it('never reminds about warnings', async () => {
    f = await createAlertsFixture({ rules: fast, notify: { ...routing, routing: [{ zones: [ZONE], route: 'north' }] } });
    f.series('COD', 120, MIN, () => 65 + Math.random());
    expect(f.ofType('reminder').filter((e) => e.alert.station === STATION)).toHaveLength(0);
    // Station B, silent all along, went critical after an hour: that one is reminded.
    expect(f.ofType('reminder').every((e) => e.alert.rule === 'stale' && e.alert.station === STATION_B)).toBe(true);
    expect(f.emails.filter((e) => e.to.includes('oncall-north@example.vn'))).toHaveLength(1);
  });

  it('silences a station for a maintenance window: events are kept, people are not told', async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    f.reading('COD', 100);
    expect(f.emails).toHaveLength(1);
    const until = at(60 * MIN);
    const silence = f.alerts.silence({ station: STATION, until, by: 'pham.d', reason: 'membrane replacement' });
    expect(silence).toMatchObject({ station: STATION, until, by: 'pham.d', from: f.vt.now() });
    expect(f.alerts.silences()).toEqual([silence]);
    expect(f.ofType('silenced')).toHaveLength(1);
    expect(f.lines.at(-2)).toMatch(/^alert_event,.*type=silenced/);
    expect(f.lines.at(-1)).toMatch(/^alert_silence,parameter=\*,station=BN-TEST-F001-NT1 /);
    f.reading('TSS', 70, { atMs: at(MIN) });
    const [tss] = f.ofType('raised').filter((e) => e.alert.parameter === 'TSS');
    expect(tss?.alert.silenced).toBe(true);
    expect(f.published.at(-1)!.topic).toBe(`alerts/${ZONE}/${STATION}`);
    f.vt.advanceTo(until - 1000);
    expect(f.ofType('reminder')).toHaveLength(0);
    expect(f.emails).toHaveLength(1);
    f.vt.advanceTo(until + 5000);
    expect(f.alerts.silences()).toEqual([]);
    expect(f.alerts.open({ rule: 'threshold' }).every((a) => a.silenced === undefined)).toBe(true);
    // After the window, the still-unacknowledged critical alerts are reminded at once.
    expect(
      f
        .ofType('reminder')
        .map((e) => e.alert.parameter)
        .sort(),
    ).toEqual(['COD', 'TSS']);
  });

  it('silences one parameter only, and refuses a bad silence', async () => {
    f = await createAlertsFixture({ rules: fast, notify: routing });
    f.alerts.silence({ station: STATION, parameter: 'TSS', until: at(10 * MIN), by: 'pham.d' });
    f.reading('TSS', 70);
    f.reading('COD', 100);
    expect(f.emails.map((e) => e.subject)).toEqual([expect.stringContaining('COD 100 mg/L')]);
    expect(() => f!.alerts.silence({ station: 'NOPE-1', until: at(MIN), by: 'x' })).toThrow(/unknown station/);
    expect(() => f!.alerts.silence({ station: STATION, until: at(-1), by: 'x' })).toThrow(/future/);
    expect(() => f!.alerts.silence({ station: STATION, parameter: 'SO2', until: at(MIN), by: 'x' })).toThrow(/not measured/);
    expect(() => f!.alerts.silence({ station: STATION, until: at(MIN), by: '' })).toThrow(/by/);
  });

  it('retries a webhook that answered 500 twice with backoff, signing every try', async () => {
    f = await createAlertsFixture({
      rules: fast,
      notify: routing,
      webhookStatuses: [500, 500],
      webhookSecret: 'a-shared-secret-of-32-characters',
    });
    f.reading('COD', 200, { station: STATION_B });
    await settle();
    expect(f.posts).toHaveLength(1);
    f.vt.advanceBy(1999); // first backoff: 2 s
    await settle();
    expect(f.posts).toHaveLength(1);
    f.vt.advanceBy(1);
    await settle();
    expect(f.posts).toHaveLength(2);
    f.vt.advanceBy(4000); // second: 4 s
    await settle();
    expect(f.posts).toHaveLength(3);
    await f.alerts.flush();
    expect(f.posts.every((p) => p.secret === 'a-shared-secret-of-32-characters')).toBe(true);
    expect(new Set(f.posts.map((p) => p.deliveryId)).size).toBe(1);
    expect(JSON.parse(f.posts[2]!.body)).toMatchObject({ type: 'raised', alert: { station: STATION_B, severity: 'critical' } });
  });
});

/** Lets promise callbacks run (the fake webhook answers asynchronously). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
