import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Subscription } from 'rxjs';
import type { AlertEvent } from '../../core/index.js';
import { startSimulator, type Simulator } from '../../simulators/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { countReadings, storedReadings } from '../helpers/influx-query.js';

/**
 * Real time, one message a second per gateway, 80 s: a gateway loses its connection for 60 s
 * (store-and-forward), another's logger goes silent for 30 s (dropout), a third's clock runs
 * 10 minutes ahead for 30 s (every reading refused). Transmission-interrupted alerts are judged
 * on the wall clock, so this test cannot be compressed; the rules file shortens the silence
 * that counts (15 s instead of 5 minutes) and the grace after a will (3 s instead of 60 s), and
 * enables the rule on these stations only.
 */
const OFF = 'BD-VSIP1-F013-NT1';
const DROP = 'BD-VSIP1-F014-NT1';
const SKEW = 'BD-VSIP1-F015-NT1';
const OK = 'BD-VSIP1-F016-NT1';
const DURATION_S = 80;

describe('gateway outage with store-and-forward, dropout and clock skew, in real time', () => {
  let centre: TestCentre;
  let sim: Simulator;
  let dir: string;
  let sub: Subscription;
  const events: AlertEvent[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-rules-'));
    const rules = join(dir, 'rules.json');
    const stale = { stale: { enabled: true, factor: 0.25, floorS: 15, criticalAfterS: 3600, willGraceS: 3 } };
    await writeFile(
      rules,
      JSON.stringify({
        version: 1,
        defaults: { stale: { enabled: false } },
        stations: { [OFF]: stale, [DROP]: stale, [SKEW]: stale, [OK]: stale },
      }),
    );
    centre = await startTestCentre(inject('influxUrl'), { ALERTS_RULES_FILE: rules, ALERTS_TICK_MS: '500' });
    sub = centre.alerts.events$.subscribe((e) => events.push(e));
    sim = startSimulator({
      url: centre.mqttUrl,
      catalogue: centre.catalogue,
      credentials: centre.credentials,
      stations: [OK],
      seed: 3,
      rate: 1,
      durationS: DURATION_S,
      scenarios: [
        { name: 'offline', station: OFF, atS: 10, forS: 60 },
        { name: 'dropout', station: DROP, atS: 10, forS: 30 },
        { name: 'clock_skew', station: SKEW, atS: 10, forS: 30, offsetS: 600 },
      ],
    });
    await sim.done;
  }, 180_000);
  afterAll(async () => {
    sub?.unsubscribe();
    await sim?.close();
    await centre?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const of = (station: string) => sim.sent.filter((m) => m.station === station);
  const generated = (station: string) =>
    of(station).flatMap((m) => m.readings.map((r) => ({ parameter: r.parameter, ts: r.ts ?? m.ts, value: r.value })));

  it('the 60 s outage loses nothing: every sample of the gateway is in InfluxDB once, with its value and time', async () => {
    const params = centre.catalogue.station(OFF)!.parameters.length;
    const ticks = sim.stats().ticks / 4;
    expect(ticks).toBeGreaterThanOrEqual(DURATION_S - 1);
    const expected = generated(OFF);
    expect(expected).toHaveLength(ticks * params);
    await vi.waitFor(async () => expect(await countReadings(centre.influx, `WHERE "station" = '${OFF}'`)).toBe(ticks * params), {
      timeout: 20_000,
      interval: 200,
    });
    const stored = await storedReadings(centre.influx, `WHERE "station" = '${OFF}'`);
    const byKey = new Map(stored.map((p) => [`${p.parameter}|${p.time}`, p.value]));
    for (const e of expected)
      expect(byKey.get(`${e.parameter}|${e.ts}`), `${e.parameter} at ${new Date(e.ts).toISOString()}`).toBe(e.value);
    // One sample a second, no gap: the outage is filled by the backlog.
    const times = [...new Set(stored.map((p) => p.time))].sort((a, b) => a - b);
    expect(times).toHaveLength(ticks);
    expect(Math.max(...times.slice(1).map((t, i) => t - times[i]!))).toBeLessThan(1500);
    console.log(
      `[figure] outage: ${ticks * params} readings generated, ${stored.length} stored, ${of(OFF).filter((m) => m.backlog).length} backlog messages`,
    );
  });

  it('the backlog went out after reconnecting, with per-reading timestamps covering the outage', () => {
    const backlog = of(OFF).filter((m) => m.backlog);
    expect(backlog.length).toBeGreaterThan(0);
    expect(backlog.every((m) => m.ackedAt !== undefined && m.readings.every((r) => r.ts !== undefined))).toBe(true);
    const covered = new Set(backlog.flatMap((m) => m.readings.map((r) => r.ts!)));
    expect(covered.size).toBeGreaterThanOrEqual(58); // ~60 samples taken while offline
    const start = Math.min(...covered);
    const end = Math.max(...covered);
    expect(end - start).toBeGreaterThanOrEqual(57_000);
    // Sent after the outage began plus 60 s: store-and-forward, not live.
    expect(Math.min(...backlog.map((m) => m.sentAt))).toBeGreaterThan(start + 55_000);
    expect(sim.stats().disconnects).toBeGreaterThanOrEqual(1);
  });

  it('the outage raised "transmission interrupted" at once from the MQTT will, resolved on return', () => {
    const stale = events.filter((e) => e.alert.station === OFF && e.alert.rule === 'stale');
    expect(stale.map((e) => e.type)).toEqual(['raised', 'resolved']);
    expect(stale[0]!.alert.message).toMatch(/the gateway went offline \(MQTT will\)/);
    const lasted = stale[1]!.at - stale[0]!.at;
    expect(lasted).toBeGreaterThan(50_000);
    expect(lasted).toBeLessThan(75_000);
  });

  it('dropout: silence raises "transmission interrupted"; the lost samples stay lost', async () => {
    const stale = events.filter((e) => e.alert.station === DROP && e.alert.rule === 'stale');
    expect(stale.map((e) => e.type)).toEqual(['raised', 'resolved']);
    expect(stale[0]!.alert.message).toMatch(/no data for/);
    const params = centre.catalogue.station(DROP)!.parameters.length;
    const kept = generated(DROP).length;
    expect(kept).toBeLessThanOrEqual((DURATION_S - 29) * params);
    await vi.waitFor(async () => expect(await countReadings(centre.influx, `WHERE "station" = '${DROP}'`)).toBe(kept), { timeout: 20_000 });
  });

  it('clock skew: every reading refused as in_future (heard on the errors topic), and the station counts as silent', () => {
    const notices = sim.notices.filter((n) => n.station === SKEW);
    expect(notices.length).toBeGreaterThanOrEqual(29);
    expect(new Set(notices.flatMap((n) => n.notice.errors.map((e) => e.code)))).toEqual(new Set(['in_future']));
    expect(events.filter((e) => e.alert.station === SKEW && e.alert.rule === 'stale').map((e) => e.type)).toEqual(['raised', 'resolved']);
  });

  it('a healthy gateway next to them raised nothing', () => {
    expect(events.filter((e) => e.alert.station === OK)).toEqual([]);
  });
});
