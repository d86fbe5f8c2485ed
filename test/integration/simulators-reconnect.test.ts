import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { Aedes } from 'aedes';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCatalogue, type Catalogue } from '../../core/index.js';
import { startSimulator, type Simulator } from '../../simulators/index.js';

/**
 * A real broker outage (not the offline scenario): the broker goes away for a few seconds and
 * comes back on the same port. The gateway keeps sampling, stores what it cannot deliver and
 * delivers it after reconnecting; every sample arrives (at least once: QoS 1 may repeat).
 */
const STATION = 'BN-YENPHONG-F001-NT1';

interface Running {
  aedes: Aedes;
  server: Server;
}

async function startBroker(port: number, got: Array<{ ts: number; parameter: string }>): Promise<Running> {
  const aedes = await Aedes.createBroker();
  aedes.on('publish', (packet, client) => {
    if (!client || !packet.topic.endsWith('/readings')) return;
    const body = JSON.parse(packet.payload.toString()) as { ts?: string; readings: Array<{ parameter: string; ts?: string }> };
    for (const r of body.readings) got.push({ parameter: r.parameter, ts: Date.parse(r.ts ?? body.ts!) });
  });
  const server = createServer(aedes.handle);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { aedes, server };
}

async function stopBroker(b: Running): Promise<void> {
  await new Promise<void>((resolve) => {
    b.server.close(() => resolve());
    b.aedes.close(() => undefined);
  });
}

describe('store-and-forward across a real broker outage', () => {
  let catalogue: Catalogue;
  let broker: Running | undefined;
  let sim: Simulator | undefined;
  beforeAll(async () => {
    catalogue = await loadCatalogue('seeds/catalogue.json');
  });
  afterEach(async () => {
    await sim?.close();
    if (broker) await stopBroker(broker);
  });

  it('keeps sampling while the broker is down and delivers every sample after it is back', async () => {
    const got: Array<{ ts: number; parameter: string }> = [];
    broker = await startBroker(0, got);
    const port = (broker.server.address() as { port: number }).port;
    sim = startSimulator({ url: `mqtt://127.0.0.1:${port}`, catalogue, stations: [STATION], rate: 10, durationS: 8, seed: 5 });
    await vi.waitFor(() => expect(got.length).toBeGreaterThan(0), { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 1500)); // some samples flow before the outage (scenario length, not synchronisation)
    await stopBroker(broker);
    broker = undefined;
    await vi.waitFor(() => expect(sim!.stats().backlog).toBeGreaterThan(0), { timeout: 5000, interval: 50 });
    await new Promise((r) => setTimeout(r, 3000)); // down for ~3 s: about 30 samples stored
    broker = await startBroker(port, got);
    await sim.done;

    const params = catalogue.station(STATION)!.parameters.length;
    const stats = sim.stats();
    expect(stats.ticks).toBe(80);
    expect(stats.backlogMessages).toBeGreaterThan(0);
    expect(stats.backlog).toBe(0);
    const distinct = new Set(got.map((g) => `${g.parameter}|${g.ts}`));
    expect(distinct.size).toBe(80 * params);
    const times = [...new Set(got.map((g) => g.ts))].sort((a, b) => a - b);
    expect(times.slice(1).every((t, i) => t - times[i]! === 100)).toBe(true);
  }, 60_000);
});
