import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Subject } from 'rxjs';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLogger,
  parseCatalogue,
  parseScope,
  stationScope,
  type CatalogueFile,
  type LiveSnap,
  type Reading,
  type StationScope,
} from '../../core/index.js';
import type { Principal } from '../../dashboard/server/auth.js';
import { createLiveHub, type LiveHub } from '../../dashboard/server/live-hub.js';
import { createLiveUpgrade, type LiveUpgrade } from '../../dashboard/server/live-upgrade.js';

/** The live socket's door hands the hub the principal's scope: a real HTTP server and WebSocket over loopback. */
describe('live upgrade with a scope', () => {
  let server: Server | undefined;
  let hub: LiveHub | undefined;
  let upgrade: LiveUpgrade | undefined;
  afterEach(async () => {
    upgrade?.close();
    hub?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  async function snapFor(scope: StationScope): Promise<LiveSnap> {
    const catalogue = parseCatalogue(JSON.parse(await readFile(resolve('seeds/catalogue.json'), 'utf8')) as CatalogueFile);
    hub = createLiveHub({ catalogue, readings$: new Subject<Reading>() });
    const principal = { user: { name: 'an', role: 'viewer' }, session: { id: 's1' }, scope } as unknown as Principal;
    upgrade = createLiveUpgrade({
      auth: { principal: () => principal, clientAddress: () => '127.0.0.1' },
      origin: { allowed: () => true },
      hub,
      log: createLogger({ level: 'silent' }),
    });
    server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', upgrade.onUpgrade);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`);
    const first = await new Promise<string>((r, j) => {
      ws.once('message', (d) => r(String(d)));
      ws.once('error', j);
    });
    ws.terminate();
    return JSON.parse(first) as LiveSnap;
  }

  it("narrows the snapshot to the principal's stations", async () => {
    const file = JSON.parse(await readFile(resolve('seeds/catalogue.json'), 'utf8')) as CatalogueFile;
    const catalogue = parseCatalogue(file);
    const scope = stationScope(catalogue, [parseScope('province:Hà Nội')]);
    const snap = await snapFor(scope);
    expect(snap.index.stations).toEqual(scope.stationIds());
    expect(snap.index.stations.length).toBeGreaterThan(0);
    expect(snap.index.stations.length).toBeLessThan(catalogue.stations.length);
  });

  it('gives a country scope every station', async () => {
    const file = JSON.parse(await readFile(resolve('seeds/catalogue.json'), 'utf8')) as CatalogueFile;
    const catalogue = parseCatalogue(file);
    const snap = await snapFor(stationScope(catalogue, [parseScope('country')]));
    expect(snap.index.stations).toHaveLength(catalogue.stations.length);
  });
});
