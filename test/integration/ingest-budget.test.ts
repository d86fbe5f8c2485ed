import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StorageCondition } from '../../core/index.js';
import { startLocalInfluxd, type LocalInfluxd } from '../../ingest/index.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { expectStoredExactlyOnce, startTestGateways, type TestGateways } from '../helpers/ingest-gateways.js';

const BUDGET = 64 * 1024;
const SEGMENT = 16 * 1024;

describe('disk budget reached: publishers slowed, nothing lost, backlog raised and cleared', () => {
  let influxDir: string;
  let influxd: LocalInfluxd;
  let centre: TestCentre | undefined;
  let gateways: TestGateways | undefined;

  beforeAll(async () => {
    influxDir = await mkdtemp(join(tmpdir(), 'quantrac-budget-influx-'));
    influxd = await startLocalInfluxd({ dir: influxDir });
  });
  afterAll(async () => {
    await gateways?.close();
    await centre?.close();
    await influxd?.close();
    await rm(influxDir, { recursive: true, force: true });
  });

  it('holds the PUBACKs at the budget until InfluxDB is back, then every reading is stored once', async () => {
    centre = await startTestCentre(influxd.url, {
      SPOOL_BUDGET_BYTES: String(BUDGET),
      SPOOL_HIGH_WATER_PERCENT: '50',
      SPOOL_SEGMENT_BYTES: String(SEGMENT),
      SPOOL_MAX_SLOWDOWN_MS: '200',
      INGEST_RETRY_MAX_MS: '500',
    });
    const conditions: StorageCondition[] = [];
    const sub = centre.ingest.storage$.subscribe((c) => conditions.push(c));
    await influxd.stop();
    gateways = startTestGateways({
      url: centre.mqttUrl,
      stations: centre.catalogue.stations.slice(0, 5),
      credentials: centre.credentials,
      intervalMs: 20,
    });

    // Slowing past the high-water mark, then paused at the budget.
    await vi.waitFor(() => expect(conditions.some((c) => c.backpressure === 'slowing')).toBe(true), { timeout: 30_000, interval: 50 });
    await vi.waitFor(() => expect(conditions.at(-1)).toMatchObject({ backlog: true, backpressure: 'paused', budgetBytes: BUDGET }), {
      timeout: 30_000,
      interval: 50,
    });
    const healthz = await fetch(`${centre.dashboardUrl}/healthz`);
    expect(healthz.status).toBe(503);
    expect(((await healthz.json()) as { reasons: string[] }).reasons).toContain('spool at its disk budget: admission paused');

    // While paused, nothing more is acknowledged (the broker stops reading those sockets),
    // the spool stays within its budget, and the gateways hold what they could not send.
    // Admissions made durable just before the budget was reached finish their slowdown delay
    // (SPOOL_MAX_SLOWDOWN_MS) first: wait until the count has not moved for 1 s.
    let last = { count: -1, since: 0 };
    await vi.waitFor(
      () => {
        const count = gateways!.ackedCount();
        if (count !== last.count) last = { count, since: Date.now() };
        expect(Date.now() - last.since).toBeGreaterThanOrEqual(1000);
      },
      { timeout: 20_000, interval: 50 },
    );
    const acked = gateways.ackedCount();
    await new Promise((r) => setTimeout(r, 2000)); // a window to observe, not a synchronisation
    expect(gateways.ackedCount()).toBe(acked);
    expect(gateways.sentCount()).toBeGreaterThan(acked);
    const spool = centre.ingest.health().spool;
    // Gateway readings stop at the budget; the centre's own lines (the backlog alert's events)
    // are never held back, so allow a few KB for them.
    expect(spool.backlogBytes).toBeLessThanOrEqual(BUDGET + 8 * 1024);
    expect(spool.diskBytes).toBeLessThanOrEqual(BUDGET + 8 * 1024 + SEGMENT);

    await influxd.start();
    await vi.waitFor(() => expect(gateways!.ackedCount()).toBeGreaterThan(acked), { timeout: 30_000, interval: 100 });
    gateways.stop();
    await gateways.allAcked(60_000);
    await centre.ingest.delivered(60_000);
    await vi.waitFor(() => expect(conditions.at(-1)).toMatchObject({ backlog: false, backpressure: 'none' }), {
      timeout: 10_000,
      interval: 100,
    });
    sub.unsubscribe();

    const expected = gateways.ackedReadings();
    expect(await expectStoredExactlyOnce(centre.influx, expected)).toEqual({ stored: expected.length, missing: [], wrong: [], extra: 0 });
    const metrics = await (await fetch(`${centre.dashboardUrl}/metrics`)).text();
    const paused = Number(/quantrac_backpressure_seconds_total\{level="paused"\} ([\d.e+-]+)/.exec(metrics)?.[1]);
    expect(paused).toBeGreaterThan(1);
    console.info(`budget: ${expected.length} readings stored once; ${paused.toFixed(1)} s paused at the ${BUDGET} B budget`);
  }, 120_000);
});
