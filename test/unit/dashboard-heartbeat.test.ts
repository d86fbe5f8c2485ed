import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogue, type Catalogue, type CatalogueFile, type Reading } from '../../core/index.js';
import { createLiveHub, type LiveHub } from '../../dashboard/server/live-hub.js';
import { fakeSocket } from '../helpers/fake-socket.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = parseCatalogue(JSON.parse(await readFile(resolve('seeds/catalogue.json'), 'utf8')) as CatalogueFile);
});

describe('the live hub beats to quiet clients (core/live.ts, beat)', () => {
  let hub: LiveHub | undefined;
  afterEach(() => {
    hub?.close();
    hub = undefined;
  });

  it('sends a beat after 2 s with nothing else sent, and none while frames flow', () => {
    const T0 = Date.parse('2026-11-27T01:00:00Z');
    const vt = createVirtualTime(T0);
    const readings$ = new Subject<Reading>();
    hub = createLiveHub({ catalogue, readings$, scheduler: vt.scheduler, frameMs: 250 });
    const ws = fakeSocket();
    hub.attach(ws.socket);
    const beats = (): Array<{ type: string; serverTime: number }> =>
      ws.frames<{ type: string; serverTime: number }>().filter((f) => f.type === 'beat');
    vt.advanceBy(1_750);
    expect(beats()).toHaveLength(0);
    vt.advanceBy(250);
    expect(beats().map((b) => b.serverTime)).toEqual([T0 + 2_000]);
    vt.advanceBy(2_000);
    expect(beats()).toHaveLength(2);
    // A reading every 500 ms: frames flow, so no beat.
    const s = catalogue.stations[0]!;
    const p = s.parameters[0]!;
    for (let i = 0; i < 12; i++) {
      readings$.next({
        station: s.id,
        zone: catalogue.zoneOf(s.id)!.id,
        parameter: p.parameter,
        unit: p.unit,
        value: 1 + i,
        status: '00',
        ts: vt.now(),
        receivedAt: vt.now(),
      });
      vt.advanceBy(500);
    }
    expect(beats()).toHaveLength(2);
    vt.advanceBy(2_500);
    expect(beats()).toHaveLength(3);
  });
});
