import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Subject } from 'rxjs';
import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, parseCatalogue, type CatalogueFile, type LiveFrame, type Reading } from '../../core/index.js';
import { createDashboard, type Dashboard } from '../../dashboard/index.js';
import { WEB_DIST } from '../../main.js';
import { benchCatalogue } from '../../bench/bench-catalogue.js';
import { sessionFor } from '../helpers/dashboard-session.js';

describe('live hub over real sockets', () => {
  let dashboard: Dashboard | undefined;
  let dir: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    clearInterval(timer);
    for (const s of sockets.splice(0)) s.terminate();
    await dashboard?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('skips a client that stops reading (bufferedAmount) with a bounded buffer, resyncs it when it reads again, cuts off one stuck for good, and never slows the others', async () => {
    const file = JSON.parse(await readFile(resolve('seeds/catalogue.json'), 'utf8')) as CatalogueFile;
    const catalogue = parseCatalogue(benchCatalogue(file, 500));
    dir = await mkdtemp(join(tmpdir(), 'qt-live-'));
    const readings$ = new Subject<Reading>();
    dashboard = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue,
      readings$,
      staticDir: WEB_DIST,
      log: createLogger({ level: 'silent' }),
      usersFile: join(dir, 'users.json'),
      passwordCost: 1024,
      // Small bounds so that a paused reader fills them within seconds.
      live: { maxBufferedBytes: 64 * 1024, hardBufferedBytes: 4 * 1024 * 1024, budgetBytesPerS: 1_000_000, stuckTimeoutMs: 6000 },
    });
    await dashboard.users.add('watcher', 'viewer', 'watcher password');
    const session = await sessionFor(dashboard.url, 'watcher', 'watcher password');
    const open = async (): Promise<{ ws: WebSocket; frames: LiveFrame[]; closed: Promise<number> }> => {
      const ws = new WebSocket(`${dashboard!.url.replace('http', 'ws')}/ws`, { headers: session.headers });
      sockets.push(ws);
      const frames: LiveFrame[] = [];
      ws.on('message', (d) => frames.push(JSON.parse(String(d)) as LiveFrame));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      await new Promise((r, j) => {
        ws.once('open', r);
        ws.once('error', j);
      });
      return { ws, frames, closed };
    };
    const healthy = await open();
    const resumes = await open();
    const stuck = await open();
    // Two browser tabs stop reading: their kernel buffers fill, then the server's.
    const pause = (ws: WebSocket): { pause(): void; resume(): void } =>
      (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    pause(resumes.ws).pause();
    pause(stuck.ws).pause();

    const templates = catalogue.stations.map((s) =>
      s.parameters.map((p) => ({
        station: s.id,
        zone: catalogue.zoneOf(s.id)!.id,
        parameter: p.parameter,
        unit: p.unit,
        status: '00' as const,
      })),
    );
    let i = 0;
    timer = setInterval(() => {
      const now = Date.now();
      for (let k = 0; k < 250; k++)
        for (const t of templates[i++ % templates.length]!) readings$.next({ ...t, ts: now, receivedAt: now, value: 100 * Math.random() });
    }, 20);

    // The server stops writing to them once their socket holds 64 KiB: frames are dropped, not queued.
    await vi.waitFor(() => expect(dashboard!.hub.stats().droppedFrames).toBeGreaterThan(4), { timeout: 60_000, interval: 100 });
    expect(dashboard.hub.stats().peakBufferedBytes).toBeLessThan(4 * 1024 * 1024);
    // One reads again: it is sent a fresh snapshot, then deltas.
    const snapsBefore = resumes.frames.filter((f) => f.type === 'snap').length;
    pause(resumes.ws).resume();
    await vi.waitFor(() => expect(resumes.frames.filter((f) => f.type === 'snap').length).toBeGreaterThan(snapsBefore), {
      timeout: 30_000,
      interval: 100,
    });
    const afterSnap = resumes.frames.length;
    await vi.waitFor(() => expect(resumes.frames.slice(afterSnap).some((f) => f.type === 'delta')).toBe(true), { timeout: 10_000 });
    // The other stays stuck: cut off after the stuck timeout (its page reconnects when it wakes).
    await vi.waitFor(() => expect(dashboard!.hub.stats().cutOff).toBe(1), { timeout: 30_000, interval: 200 });
    expect(dashboard.hub.stats().clients).toBe(2);
    expect(dashboard.hub.stats().peakBufferedBytes).toBeLessThan(4 * 1024 * 1024);
    // The healthy client kept getting deltas throughout, at most 4 a second.
    const deltas = healthy.frames.filter((f) => f.type === 'delta') as Array<{ serverTime: number }>;
    expect(deltas.length).toBeGreaterThan(4);
    const bySecond = new Map<number, number>();
    for (const f of deltas) bySecond.set(Math.floor(f.serverTime / 1000), (bySecond.get(Math.floor(f.serverTime / 1000)) ?? 0) + 1);
    expect(Math.max(...bySecond.values())).toBeLessThanOrEqual(5); // 4 per second, give or take a timer slip across a second boundary

    // Reconnecting resumes from a fresh snapshot.
    const again = await open();
    await vi.waitFor(() => expect(again.frames[0]?.type).toBe('snap'), { timeout: 5000 });
  });
});
