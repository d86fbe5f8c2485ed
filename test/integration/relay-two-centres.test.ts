import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InfluxClient } from '../../ingest/index.js';
import { expectStoredExactlyOnce, startTestGateways, type PublishedReading, type TestGateways } from '../helpers/ingest-gateways.js';
import { startTwoCentres, type TwoCentres } from '../helpers/two-centres.js';

/**
 * The province relays to the nation (docs/RELAY.md): every reading the province acknowledged
 * (PUBACK) reaches the national InfluxDB exactly once, also across an outage of the nation and
 * a crash of the province. Two real `quantrac start` processes, each with its own DATA_DIR and
 * influxd; field gateways (mqtt.js, QoS 1, persistent sessions, resending what is not yet
 * acknowledged) publish to the province at a steady rate with seq.
 */

/** How long the nation is down in (b): long enough for the relay's back-off to reach its ceiling and for a backlog to build. */
const OUTAGE_MS = 60_000;
/** Each gateway's message interval: the province's 6 stations give about 30 messages (about 200 readings) a second. */
const INTERVAL_MS = 200;

/** `SELECT count("value") ... GROUP BY station`: stored points per station. */
async function countsPerStation(influx: InfluxClient): Promise<Record<string, number>> {
  const series = await influx.query('SELECT count("value") FROM "reading" GROUP BY "station"');
  return Object.fromEntries(series.map((s) => [s.tags?.station ?? '?', s.values[0]?.[1] as number]));
}

function perStation(readings: PublishedReading[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of readings) {
    const station = r.key.slice(0, r.key.indexOf('|'));
    out[station] = (out[station] ?? 0) + 1;
  }
  return out;
}

describe('two centres: the province relays every acknowledged reading to the nation, exactly once', () => {
  let centres: TwoCentres | undefined;
  /** Every reading the province acknowledged, over all phases so far. */
  const acked: PublishedReading[] = [];

  beforeAll(async () => {
    centres = await startTwoCentres({ province: 'Bắc Ninh', relayAccount: 'BN-CENTRE' });
  }, 300_000);
  afterAll(async () => {
    await centres?.close();
  }, 120_000);

  /**
   * Field gateways publish to the province while `during` runs, then stop; returns once every
   * message they sent is acknowledged, its readings added to `acked`.
   */
  async function publishWhile(during: (g: TestGateways) => Promise<void>): Promise<void> {
    const c = centres!;
    const g = startTestGateways({
      url: c.provinceMqttUrl,
      stations: c.stations,
      credentials: (s) => c.gatewayCredentials(s),
      intervalMs: INTERVAL_MS,
      clean: false,
    });
    try {
      await during(g);
      g.stop();
      await g.allAcked(120_000);
      acked.push(...g.ackedReadings());
    } finally {
      await g.close();
    }
  }

  /** Waits until `influx` holds exactly the acknowledged readings (each once, with its value), then compares the counts per station. */
  async function expectExactlyTheAcknowledged(influx: () => InfluxClient, timeoutMs: number): Promise<void> {
    await vi.waitFor(
      async () => {
        const r = await expectStoredExactlyOnce(influx(), acked);
        // Counts and a few examples, not thousands of keys, in the failure message.
        expect({ stored: r.stored, missing: r.missing.length, firstMissing: r.missing.slice(0, 3), wrong: r.wrong.slice(0, 3) }).toEqual({
          stored: acked.length,
          missing: 0,
          firstMissing: [],
          wrong: [],
        });
      },
      { timeout: timeoutMs, interval: 1000 },
    );
    expect(await countsPerStation(influx())).toEqual(perStation(acked));
  }

  it('two centres start; gateways publish to the province, which stores every PUBACKed reading exactly once', async () => {
    const c = centres!;
    expect(c.stations.length).toBeGreaterThan(1);
    expect(await c.nation().health()).toBe(200);
    expect(await c.province().health()).toBe(200);
    await publishWhile(async (g) => {
      await vi.waitFor(() => expect(Math.min(...g.gateways.map((x) => x.acked.size))).toBeGreaterThanOrEqual(25), {
        timeout: 60_000,
        interval: 100,
      });
    });
    expect(acked.length).toBeGreaterThan(0);
    await expectExactlyTheAcknowledged(() => c.provinceInflux(), 60_000);
  }, 180_000);

  it('(a) the nation holds every reading the province acknowledged, exactly once, counted per station', async () => {
    const c = centres!;
    await expectExactlyTheAcknowledged(() => c.nationInflux(), 60_000);
    // The relay says it is connected and has caught up (quantrac_relay_* on the province's /metrics).
    await vi.waitFor(async () => expect(await c.province().metric('quantrac_relay_connected')).toBe(1), { timeout: 30_000, interval: 500 });
    await vi.waitFor(async () => expect(await c.province().metric('quantrac_relay_backlog_points')).toBe(0), {
      timeout: 30_000,
      interval: 500,
    });
  }, 180_000);

  it('(b) the nation stopped (SIGTERM) for 60 s under load, then started again: every acknowledged reading stored there once', async () => {
    const c = centres!;
    await publishWhile(async (g) => {
      await vi.waitFor(() => expect(g.ackedCount()).toBeGreaterThanOrEqual(60), { timeout: 60_000, interval: 100 });
      expect(await c.stopNation()).toBe(0);
      const downAt = Date.now();
      const ackedAtStop = g.ackedCount();
      // The outage lasts a deliberate OUTAGE_MS of wall-clock time, measured rather than slept: what
      // is waited for is both the elapsed time and the province acknowledging its gateways all along
      // (its spool, not the nation, is what a PUBACK waits for).
      await vi.waitFor(
        () => {
          expect(g.ackedCount()).toBeGreaterThan(ackedAtStop + 100);
          expect(Date.now() - downAt).toBeGreaterThanOrEqual(OUTAGE_MS);
        },
        { timeout: OUTAGE_MS + 60_000, interval: 500 },
      );
      // Meanwhile the relay is down and its backlog grows in the province's spool.
      expect(await c.province().metric('quantrac_relay_connected')).toBe(0);
      expect(await c.province().metric('quantrac_relay_backlog_points')).toBeGreaterThan(0);
      await c.startNation();
      const ackedAtStart = g.ackedCount();
      await vi.waitFor(() => expect(g.ackedCount()).toBeGreaterThan(ackedAtStart + 60), { timeout: 60_000, interval: 100 });
    });
    await expectExactlyTheAcknowledged(() => c.provinceInflux(), 60_000);
    await expectExactlyTheAcknowledged(() => c.nationInflux(), 180_000);
  }, 420_000);

  it('(c) the province SIGKILLed mid-stream and restarted on the same DATA_DIR: every acknowledged reading stored at the nation once', async () => {
    const c = centres!;
    await publishWhile(async (g) => {
      await vi.waitFor(() => expect(g.ackedCount()).toBeGreaterThanOrEqual(60), { timeout: 60_000, interval: 100 });
      expect(await c.killProvince()).toBe('SIGKILL');
      // The gateways keep producing while the province is down (mqtt.js holds the messages): wait for some.
      const sentAtKill = g.sentCount();
      await vi.waitFor(() => expect(g.sentCount()).toBeGreaterThan(sentAtKill + 30), { timeout: 30_000, interval: 100 });
      await c.startProvince();
      const ackedAtStart = g.ackedCount();
      await vi.waitFor(() => expect(g.ackedCount()).toBeGreaterThan(ackedAtStart + 60), { timeout: 60_000, interval: 100 });
    });
    await expectExactlyTheAcknowledged(() => c.provinceInflux(), 120_000);
    await expectExactlyTheAcknowledged(() => c.nationInflux(), 180_000);
  }, 420_000);
});
