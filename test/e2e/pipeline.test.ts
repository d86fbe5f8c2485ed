import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { startSimulator, type Simulator } from '../../simulators/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { storedReadings } from '../helpers/influx-query.js';
import { connectLive, type LiveClient } from '../helpers/live-client.js';

describe('the whole path: gateway -> MQTT -> ingest -> InfluxDB, and live to a dashboard client', () => {
  let centre: TestCentre | undefined;
  let sim: Simulator | undefined;
  let live: LiveClient | undefined;
  afterEach(async () => {
    live?.close();
    await sim?.close();
    await centre?.close();
  });

  it('stores every published reading once with the right tags, value and timestamp, and streams each to the dashboard', async () => {
    centre = await startTestCentre(inject('influxUrl'));
    // The live socket needs a dashboard session and the page's Origin (docs/SECURITY.md).
    const session = await centre.login('viewer');
    live = connectLive(`${centre.dashboardUrl.replace('http', 'ws')}/ws`, session.headers);
    await live.opened;

    sim = startSimulator({
      url: centre.mqttUrl,
      catalogue: centre.catalogue,
      stations: 5,
      messages: 10,
      intervalMs: 20,
      seed: 42,
      credentials: centre.credentials,
    });
    await sim.done;
    const sent = sim.sent;
    expect(sent).toHaveLength(50);
    expect(sent.every((m) => m.ackedAt !== undefined)).toBe(true);

    const expected = sent.flatMap((m) =>
      m.readings.map((r) => ({ station: m.station, parameter: r.parameter, ts: m.ts, value: r.value, status: r.status })),
    );
    const key = (x: { station: string; parameter: string; ts: number; status: string }): string =>
      `${x.station}|${x.parameter}|${x.ts}|${x.status}`;

    // A PUBACK follows the spool's fsync; delivery to InfluxDB follows within moments.
    await centre.ingest.delivered(30_000);
    const stored = await storedReadings(centre.influx);
    expect(stored).toHaveLength(expected.length);
    const byKey = new Map(stored.map((p) => [key({ ...p, ts: p.time }), p]));
    expect(byKey.size).toBe(expected.length);
    for (const e of expected) {
      const p = byKey.get(key(e));
      expect(p, key(e)).toBeDefined();
      expect(p!.value).toBe(e.value);
      expect(p!.zone).toBe(centre.catalogue.zoneOf(e.station)!.id);
    }

    // The live client received each reading (the hub sends deltas at most 4 times a second).
    await vi.waitFor(() => expect(live!.readings.length).toBeGreaterThanOrEqual(expected.length), { timeout: 5000, interval: 50 });
    const liveKeys = new Set(live.readings.map((r) => key(r)));
    for (const e of expected) expect(liveKeys.has(key(e)), key(e)).toBe(true);
  });
});
