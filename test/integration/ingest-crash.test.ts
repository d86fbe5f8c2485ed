import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { freePort, loadCatalogue, type Station } from '../../core/index.js';
import { createCredentialStore, credentialsFileIn } from '../../broker/index.js';
import { createInfluxClient } from '../../ingest/index.js';
import { testDatabase } from '../helpers/centre.js';
import { runCli, type CliProcess } from '../helpers/cli-process.js';
import { countReadings } from '../helpers/influx-query.js';
import { expectStoredExactlyOnce, startTestGateways, type TestGateways } from '../helpers/ingest-gateways.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));

describe('crash: the centre is killed with SIGKILL mid-stream and restarted on the same DATA_DIR', () => {
  let dataDir: string | undefined;
  let centre: CliProcess | undefined;
  let gateways: TestGateways | undefined;

  afterAll(async () => {
    await gateways?.close();
    if (centre && centre.child.exitCode === null && centre.child.signalCode === null) {
      centre.child.kill('SIGTERM');
      await centre.exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('every PUBACKed reading is stored exactly once (count and values through InfluxQL)', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-crash-'));
    const influxUrl = inject('influxUrl');
    const db = testDatabase();
    const mqttPort = await freePort();
    const catalogue = await loadCatalogue(SEED);
    const stations = catalogue.stations.slice(0, 5);

    // Gateway accounts, as an operator makes them (`quantrac gateway add`), in the centre's DATA_DIR.
    const store = createCredentialStore({ file: credentialsFileIn(dataDir), cost: 1024 });
    const secrets = new Map<string, string>();
    for (const s of stations) secrets.set(s.id, await store.add({ id: s.id, role: 'gateway', stations: [s.id] }));
    const credentials = (s: Station) => ({ username: s.id, password: secrets.get(s.id)! });

    const env = async (extra: Record<string, string>): Promise<Record<string, string>> => ({
      MQTT_PORT: String(mqttPort),
      HTTP_PORT: String(await freePort()),
      DATA_DIR: dataDir!,
      INFLUX_URL: influxUrl,
      INFLUX_DB: db,
      LOG_LEVEL: 'info',
      MQTT_AUTH_SCRYPT_COST: '1024',
      ...extra,
    });
    // First life: delivery held back (a 10-minute flush), so every acknowledged reading is
    // only in the spool when the process dies: the restart must replay it.
    centre = runCli(['start'], await env({ INGEST_FLUSH_MS: '600000', INGEST_BATCH_LINES: '10000000', INGEST_BATCH_BYTES: '1000000000' }));
    await centre.waitForOutput(/quantrac is running/, 90_000);

    gateways = startTestGateways({ url: `mqtt://127.0.0.1:${mqttPort}`, stations, credentials, intervalMs: 50, clean: false });
    await vi.waitFor(() => expect(gateways!.ackedCount()).toBeGreaterThanOrEqual(150), { timeout: 30_000, interval: 50 });

    centre.child.kill('SIGKILL');
    expect(await centre.exited).toBe('SIGKILL');
    const ackedAtKill = gateways.ackedReadings().length;
    const influx = createInfluxClient({ api: 'v1', url: influxUrl, db });
    await influx.ensureDatabase();
    expect(await countReadings(influx)).toBe(0); // nothing reached InfluxDB in the first life

    // The gateways keep producing while the centre is down (mqtt.js holds the messages).
    await new Promise((r) => setTimeout(r, 1000));
    centre = runCli(['start'], await env({ INGEST_FLUSH_MS: '200' }));
    await centre.waitForOutput(/quantrac is running/, 90_000);
    expect(centre.stdout()).toMatch(/spool: replaying undelivered points/);

    await vi.waitFor(() => expect(gateways!.ackedCount()).toBeGreaterThan(gateways!.sentCount() - 20), { timeout: 30_000, interval: 100 });
    gateways.stop();
    await gateways.allAcked(60_000);
    const expected = gateways.ackedReadings();
    await vi.waitFor(async () => expect(await countReadings(influx)).toBeGreaterThanOrEqual(expected.length), {
      timeout: 60_000,
      interval: 500,
    });

    const result = await expectStoredExactlyOnce(influx, expected);
    expect(result).toEqual({ stored: expected.length, missing: [], wrong: [], extra: 0 });
    expect(ackedAtKill).toBeGreaterThan(0);
    console.info(
      `crash: ${ackedAtKill} readings acknowledged before SIGKILL (all only in the spool), ${expected.length} in all, each stored once`,
    );

    centre.child.kill('SIGTERM');
    expect(await centre.exited).toBe(0);
  }, 240_000);
});
