import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { Station } from '../../core/index.js';
import { createInfluxClient, type InfluxClient } from '../../ingest/index.js';
import { shardOf } from '../../cluster/shard-hash.js';
import { testDatabase } from '../helpers/centre.js';
import { roleOf } from '../helpers/cluster-harness.js';
import { startClusterCentres, type ClusterCentres } from '../helpers/cluster-centres.js';
import { startClusterGateways, type ClusterGateways } from '../helpers/cluster-centres-gateways.js';
import { sessionFor } from '../helpers/dashboard-session.js';
import { countReadings } from '../helpers/influx-query.js';
import { connectLive, type LiveClient } from '../helpers/live-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

// The cluster's acceptance test (docs/CLUSTER.md, docs/ARCHITECTURE.md "Cluster mode"): three real
// centres in cluster mode behind a real HAProxy, Redis with Sentinel, one InfluxDB, gateways at
// about 5,000 readings/s. A centre is lost, then the Redis primary: no acknowledged reading is
// lost or stored twice, an alert is raised and notified once cluster-wide, a dashboard on a
// surviving node keeps seeing every station.
const RATE = 5000;
const LEASE_MS = 3000;

describe('cluster mode: three centres, Redis with Sentinel, HAProxy', () => {
  let receiver: WebhookReceiver;
  let cluster: ClusterCentres;
  let gateways: ClusterGateways;
  let influx: InfluxClient;
  let live: LiveClient | undefined;
  let alertStation: Station;
  let exceed = false;
  let alertLimit = 0;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const db = testDatabase();
    const influxUrl = inject('influxUrl');
    influx = createInfluxClient({ api: 'v1', url: influxUrl, db });
    const { loadCatalogue } = await import('../../core/index.js');
    const { SEED_CATALOGUE } = await import('../helpers/two-centres.js');
    const catalogue = await loadCatalogue(SEED_CATALOGUE);
    alertStation = catalogue.stations.find((s) => catalogue.limitAt(s.id, 'COD', new Date()) !== undefined)!;
    alertLimit = catalogue.limitAt(alertStation.id, 'COD', new Date())!.max;
    cluster = await startClusterCentres({
      count: 3,
      influxUrl,
      influxDb: db,
      alert: { station: alertStation.id, parameter: 'COD' },
      webhookUrl: receiver.url,
      leaseMs: LEASE_MS,
    });
    gateways = startClusterGateways({
      url: `mqtt://127.0.0.1:${cluster.haproxy.port}`,
      stations: cluster.catalogue.stations,
      credentials: (s) => cluster.credentials(s),
      readingsPerSecond: RATE,
      // The exceedance: once injected, every COD reading of the alert station is above its limit.
      value: (station, parameter, seq) => {
        if (exceed && station.id === alertStation.id && parameter === 'COD') return Math.round(alertLimit * 1.5 * 1000 + seq) / 1000;
        const p = station.parameters.find((x) => x.parameter === parameter)!;
        const min = p.rangeMin ?? 0;
        return Math.round((min + ((p.rangeMax ?? min + 100) - min) * 0.05) * 1000 + (seq % 100)) / 1000;
      },
    });
  }, 180_000);

  afterAll(async () => {
    live?.close();
    await gateways?.close();
    await cluster?.close();
    await receiver?.close();
  }, 60_000);

  const ackedReadings = (): number => gateways.gateways.reduce((n, g) => n + g.acked.size * g.station.parameters.length, 0);

  /** Which node holds the lease of a station's shard, asked of the current primary. */
  const leaseHolder = async (station: string): Promise<string | null> => {
    const r = new Redis({ port: cluster.redis.primary().port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    r.on('error', () => undefined);
    try {
      return await r.get(`qt:lease:shard:${shardOf(station)}`);
    } finally {
      r.disconnect();
    }
  };

  /** Every acknowledged reading stored once with its value: per station, the stored points are exactly the acknowledged ones. */
  const expectStoredExactlyOnce = async (): Promise<number> => {
    gateways.pause();
    await gateways.allAcked(90_000);
    const expected = gateways.ackedReadings();
    await vi.waitFor(async () => expect(await countReadings(influx)).toBeGreaterThanOrEqual(expected.length), {
      timeout: 60_000,
      interval: 500,
    });
    const byStation = new Map<string, Map<string, number>>();
    for (const e of expected) {
      const station = e.key.slice(0, e.key.indexOf('|'));
      const m = byStation.get(station) ?? new Map<string, number>();
      m.set(e.key, e.value);
      byStation.set(station, m);
    }
    const problems: string[] = [];
    for (const [station, want] of byStation) {
      const series = await influx.query(`SELECT "value", "parameter", "status" FROM "reading" WHERE "station" = '${station}'`);
      const got = new Map<string, number[]>();
      for (const s of series) {
        const col = (n: string): number => s.columns.indexOf(n);
        for (const row of s.values) {
          const key = `${station}|${row[col('parameter')] as string}|${row[col('status')] as string}|${row[col('time')] as number}`;
          got.set(key, [...(got.get(key) ?? []), row[col('value')] as number]);
        }
      }
      const missing = [...want.keys()].filter((k) => !got.has(k));
      const wrong = [...want].filter(([k, v]) => got.has(k) && (got.get(k)!.length !== 1 || got.get(k)![0] !== v));
      if (missing.length || wrong.length || got.size !== want.size) {
        problems.push(`${station}: ${want.size} acknowledged, ${got.size} stored, ${missing.length} missing, ${wrong.length} wrong`);
      }
    }
    expect(problems).toEqual([]);
    expect(await countReadings(influx)).toBe(expected.length);
    return expected.length;
  };

  /** What a failed wait shows: each centre's state and last words, HAProxy's view, each Redis node's role. */
  const diagnose = async (): Promise<string> => {
    const out: string[] = [];
    for (const [i, c] of cluster.centres.entries()) {
      if (!c) continue;
      out.push(
        `centre ${i}: exit ${c.proc.child.exitCode} health ${await c.health()}\n${c.output().slice(-4000)}\n${c.proc.stderr().slice(-2000)}`,
      );
    }
    out.push(`haproxy: ${JSON.stringify(await cluster.haproxy.status().catch((e: Error) => e.message))}`);
    for (const n of cluster.redis.nodes) out.push(`redis ${n.port}: ${await roleOf(n.port).catch((e: Error) => e.message)}`);
    return out.join('\n');
  };

  /** Alert events of a type stored cluster-wide (the `alert_event` points every node's events become). */
  const storedEvents = async (type: string): Promise<number> => {
    const series = await influx.query(`SELECT count("id") FROM "alert_event" WHERE "type" = '${type}'`);
    return (series[0]?.values[0]?.[1] as number | undefined) ?? 0;
  };

  it('a centre SIGKILLed (its DATA_DIR deleted): gateways back within 10 s, every acknowledged reading stored once, one alert, one notification, the dashboard sees every station', async () => {
    // Load is the point: measured, not slept. 20,000 acknowledged readings, then the rate they came at.
    const t0 = performance.now();
    const r0 = ackedReadings();
    await vi.waitFor(() => expect(ackedReadings() - r0).toBeGreaterThanOrEqual(20_000), { timeout: 60_000, interval: 100 });
    const rate = ((ackedReadings() - r0) / (performance.now() - t0)) * 1000;
    console.info(`cluster: ${Math.round(rate)} readings/s acknowledged through HAProxy`);
    expect(rate).toBeGreaterThan(RATE * 0.5);

    const owner = cluster.nodeIds.indexOf((await leaseHolder(alertStation.id))!);
    expect(owner).toBeGreaterThanOrEqual(0);
    const survivor = (owner + 1) % 3;
    const centre = cluster.centres[survivor]!;
    const session = await sessionFor(centre.dashboardUrl, cluster.viewer.username, cluster.viewer.password);
    live = connectLive(`${centre.dashboardUrl.replace(/^http/, 'ws')}/ws`, session.headers);
    await live.opened;

    // The exceedance, injected before the kill: raised once, notified once (by the shard's owner).
    exceed = true;
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 20_000, interval: 100 });
    await vi.waitFor(() => expect(live!.alerts.filter((e) => e.type === 'raised')).toHaveLength(1), { timeout: 10_000, interval: 100 });
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'raised' });

    // The owner of the alert's shard is lost, machine and disk.
    const killAt = performance.now();
    await cluster.kill(owner);
    await cluster.haproxy.waitStatus(`c${owner}`, 'DOWN', 15_000);
    // Its gateways (closed after the kill) reconnect through HAProxy to the others: measured.
    await vi.waitFor(
      () => {
        const cut = gateways.gateways.filter((g) => g.closes.some((t) => t >= killAt));
        expect(cut.length).toBeGreaterThan(0);
        for (const g of cut) expect(g.client.connected && g.connects.some((t) => t > killAt)).toBe(true);
      },
      { timeout: 20_000, interval: 50 },
    );
    const cut = gateways.gateways.filter((g) => g.closes.some((t) => t >= killAt));
    const backIn = Math.max(...cut.map((g) => g.connects.find((t) => t > killAt)! - killAt));
    console.info(`cluster: ${cut.length} gateways of the killed centre back through HAProxy within ${Math.round(backIn)} ms`);
    expect(backIn).toBeLessThan(10_000);

    // A surviving node takes the alert's shard over (after the lease), adopting the open alert.
    await vi.waitFor(async () => expect(cluster.nodeIds.indexOf((await leaseHolder(alertStation.id))!)).not.toBe(owner), {
      timeout: LEASE_MS * 4,
      interval: 100,
    });
    // The dashboard on a survivor sees every station after that, the alert station's exceedances
    // included (the new owner evaluates them): measured by readings arriving, not slept.
    const since = Date.now() + 2000;
    await vi.waitFor(
      () => {
        const seen = new Set(live!.readings.filter((r) => r.ts > since).map((r) => r.station));
        expect(cluster.catalogue.stations.filter((s) => !seen.has(s.id)).map((s) => s.id)).toEqual([]);
      },
      { timeout: 30_000, interval: 200 },
    );

    const stored = await expectStoredExactlyOnce();
    expect(receiver.received).toHaveLength(1);
    expect(live.alerts.filter((e) => e.type === 'raised')).toHaveLength(1);
    expect(await storedEvents('raised')).toBe(1);
    console.info(`cluster: ${stored} acknowledged readings, each stored once after the loss of a centre`);
  }, 240_000);

  it('the Redis primary SIGKILLed under load: Sentinel promotes the replica, the centres carry on, every acknowledged reading stored once', async () => {
    gateways.resume();
    const before = gateways.ackedCount();
    await vi.waitFor(() => expect(gateways.ackedCount()).toBeGreaterThan(before + 1000), { timeout: 30_000, interval: 100 });

    const killed = await cluster.redis.killPrimary();
    const killAt = performance.now();
    const promoted = await cluster.redis.waitFailover(killed, 30_000);
    console.info(`cluster: replica ${promoted.port} promoted ${Math.round(performance.now() - killAt)} ms after the primary's loss`);
    // One replica and min-replicas-to-write 1: the promoted primary takes writes once a second data
    // node exists (docs/CLUSTER.md, "Durability"). The old primary comes back; Sentinel makes it a replica.
    await cluster.redis.restart(killed);
    const atRestart = gateways.ackedCount();
    await vi
      .waitFor(() => expect(gateways.ackedCount()).toBeGreaterThan(atRestart + 1000), { timeout: 60_000, interval: 100 })
      .catch(async (e: unknown) => {
        console.error(await diagnose());
        throw e;
      });
    console.info(`cluster: admission back ${Math.round(performance.now() - killAt)} ms after the primary's loss`);
    // The centres rode it out: none exited (its last output says why, should one have).
    const exited = cluster.centres.filter((c) => c !== undefined && c.proc.child.exitCode !== null);
    expect(exited.map((c) => `${c!.output().slice(-3000)}\n${c!.proc.stderr().slice(-3000)}`)).toEqual([]);

    await expectStoredExactlyOnce();
    expect(receiver.received).toHaveLength(1);
    expect(await storedEvents('raised')).toBe(1);
  }, 240_000);
});
