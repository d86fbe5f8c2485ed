import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StorageCondition } from '../../core/index.js';
import { startLocalInfluxd, type LocalInfluxd } from '../../ingest/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { expectStoredExactlyOnce, startTestGateways, type TestGateways } from '../helpers/ingest-gateways.js';

// A private influxd: this test stops and starts it (the shared one must never be stopped).
describe('InfluxDB outage: every acknowledged reading is stored exactly once', () => {
  let influxDir: string;
  let influxd: LocalInfluxd;
  let centre: TestCentre | undefined;
  let gateways: TestGateways | undefined;

  beforeAll(async () => {
    influxDir = await mkdtemp(join(tmpdir(), 'quantrac-outage-influx-'));
    influxd = await startLocalInfluxd({ dir: influxDir });
  });
  afterAll(async () => {
    await gateways?.close();
    await centre?.close();
    await influxd?.close();
    await rm(influxDir, { recursive: true, force: true });
  });

  it('influxd stopped for 15 s while 5 gateways publish, then started again', async () => {
    centre = await startTestCentre(influxd.url, { INGEST_RETRY_MAX_MS: '1000', INGEST_BACKLOG_ALERT_S: '3', INGEST_FLUSH_MS: '100' });
    const conditions: StorageCondition[] = [];
    const sub = centre.ingest.storage$.subscribe((c) => conditions.push(c));
    gateways = startTestGateways({
      url: centre.mqttUrl,
      stations: centre.catalogue.stations.slice(0, 5),
      credentials: centre.credentials,
      intervalMs: 100,
    });
    await vi.waitFor(() => expect(gateways!.ackedCount()).toBeGreaterThanOrEqual(25), { timeout: 20_000, interval: 50 });

    await influxd.stop();
    const ackedAtStop = gateways.ackedCount();
    const outageStart = Date.now();
    // The PUBACKs keep coming: they follow the spool's fsync, not InfluxDB.
    await vi.waitFor(() => expect(gateways!.ackedCount()).toBeGreaterThan(ackedAtStop + 50), { timeout: 10_000, interval: 100 });
    await vi.waitFor(() => expect(centre!.ingest.health().influx.failingSince).toBeDefined(), { timeout: 10_000, interval: 100 });
    await vi.waitFor(() => expect(conditions.at(-1)?.backlog).toBe(true), { timeout: 10_000, interval: 100 });
    const health = await fetch(`${centre.dashboardUrl}/healthz`);
    expect(health.status).toBe(200); // degraded, still taking data
    expect(await health.json()).toMatchObject({ status: 'degraded', influx: { consecutiveFailures: expect.any(Number) } });
    await new Promise((r) => setTimeout(r, Math.max(0, 15_000 - (Date.now() - outageStart)))); // the outage's length is the scenario, not a synchronisation
    const ackedDuringOutage = gateways.ackedCount() - ackedAtStop;
    expect(centre.ingest.health().spool.backlogPoints).toBeGreaterThan(0);

    await influxd.start();
    await new Promise((r) => setTimeout(r, 1000)); // publishing goes on a moment after the restart (scenario length, not synchronisation)
    gateways.stop();
    await gateways.allAcked(30_000);
    await centre.ingest.delivered(60_000);
    await vi.waitFor(() => expect(conditions.at(-1)?.backlog).toBe(false), { timeout: 10_000, interval: 100 });
    sub.unsubscribe();

    const expected = gateways.ackedReadings();
    const result = await expectStoredExactlyOnce(centre.influx, expected);
    expect(result).toEqual({ stored: expected.length, missing: [], wrong: [], extra: 0 });
    expect(ackedDuringOutage).toBeGreaterThan(200);
    expect(centre.ingest.health()).toMatchObject({ status: 'ok', influx: { consecutiveFailures: 0 } });
    const metrics = await (await fetch(`${centre.dashboardUrl}/metrics`)).text();
    expect(metrics).toMatch(/quantrac_influx_write_errors_total\{kind="network"\} [1-9]/);
    console.info(
      `outage: ${expected.length} readings acknowledged (${ackedDuringOutage} messages during the 15 s outage), all stored once`,
    );
  }, 120_000);
});
