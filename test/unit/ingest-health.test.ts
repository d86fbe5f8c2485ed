import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, loadCatalogue, readingsTopic } from '../../core/index.js';
import { createInfluxClient, createIngest, type Ingest } from '../../ingest/index.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));
const BODY = '{"error":"authorization failed for user qt-writer at influx-7.plant.internal"}';

// /healthz is public: it tells that InfluxDB writes fail and how (coarsely), never the
// database's address or what it answered (that is in the log).
describe('ingest health', () => {
  let dataDir: string | undefined;
  let ingest: Ingest | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await ingest?.close();
    ingest = undefined;
    if (server?.listening) await new Promise((r) => server!.close(r));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a failed InfluxDB write as "http 401" or "unreachable", without its address or answer', async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end(BODY));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const catalogue = await loadCatalogue(SEED);
    const station = catalogue.stations[0]!;
    dataDir = await mkdtemp(join(tmpdir(), 'quantrac-health-'));
    ingest = await createIngest({
      catalogue,
      influx: createInfluxClient({ api: 'v1', url: `http://${address}`, db: 'qt', username: 'qt-writer', password: 'pw' }),
      log: createLogger({ level: 'silent' }),
      window: { maxAgeMs: 86_400_000, maxAheadMs: 300_000 },
      dataDir,
      settings: { delivery: { batchLines: 10, batchBytes: 1024 * 1024, flushMs: 10, retryMaxMs: 100, drainMs: 100 } },
    });
    const p = station.parameters[0]!;
    await ingest.admit({
      topic: readingsTopic(station.id),
      payload: Buffer.from(
        JSON.stringify({ station: station.id, ts: Date.now(), readings: [{ parameter: p.parameter, value: 1, unit: p.unit }] }),
      ),
    });

    await vi.waitFor(
      () => expect(ingest!.health().influx.lastError).toMatchObject({ kind: 'config', reason: 'http 401', statusCode: 401 }),
      { timeout: 5000, interval: 20 },
    );
    let shown = JSON.stringify(ingest.health());
    expect(shown).not.toContain('127.0.0.1');
    expect(shown).not.toContain('authorization failed');

    await new Promise((r) => server!.close(r)); // now nobody answers: ECONNREFUSED 127.0.0.1:port
    await vi.waitFor(() => expect(ingest!.health().influx.lastError).toMatchObject({ kind: 'network', reason: 'unreachable' }), {
      timeout: 5000,
      interval: 20,
    });
    shown = JSON.stringify(ingest.health());
    expect(shown).not.toContain(address);
    expect(shown).not.toContain('ECONNREFUSED');
  });
});
