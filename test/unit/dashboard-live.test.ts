import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  decodeLiveRows,
  parseCatalogue,
  type Alert,
  type CatalogueFile,
  type AlertEvent,
  type Catalogue,
  type LiveDelta,
  type LiveFrame,
  type LiveSnap,
  type Logger,
  type Presence,
  MAX_FOCUS_STATIONS,
  type Reading,
  type StorageCondition,
} from '../../core/index.js';
import { createLiveEncoder } from '../../dashboard/server/live-encoder.js';
import { createLiveHub, type LiveHub } from '../../dashboard/server/live-hub.js';
import { PendingReadings } from '../../dashboard/server/live-pending.js';
import { ReadingColumns } from '../../dashboard/server/reading-columns.js';
import { benchCatalogue } from '../../bench/bench-catalogue.js';
import { fakeSocket } from '../helpers/fake-socket.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

let catalogue: Catalogue;
let national: Catalogue;
beforeAll(async () => {
  const file = JSON.parse(await readFile(resolve('seeds/catalogue.json'), 'utf8')) as CatalogueFile;
  catalogue = parseCatalogue(file);
  national = parseCatalogue(benchCatalogue(file, 2000));
});

/** Plausible magnitudes per parameter, full double precision (the wire rounds). */
const TYPICAL: Record<string, number> = {
  Flow: 52_000,
  Temp: 158,
  P: 101.3,
  O2: 8.1,
  PM: 61,
  SO2: 215,
  NOx: 340,
  CO: 210,
  pH: 7.2,
  COD: 48,
  TSS: 30,
  NH4: 3.1,
  Color: 25,
  TN: 12,
  TP: 2,
};
const reading = (
  cat: Catalogue,
  stationId: string,
  parameter: string,
  ts: number,
  status: Reading['status'] = '00',
  value?: number,
): Reading => {
  const unit = cat.stationParameter(stationId, parameter)!.unit;
  return {
    station: stationId,
    zone: cat.zoneOf(stationId)!.id,
    parameter,
    unit,
    status,
    ts,
    receivedAt: ts + 20,
    value: value ?? (TYPICAL[parameter] ?? 10) * (0.9 + 0.2 * Math.random()),
  };
};
const templates = new WeakMap<Catalogue, Map<string, Array<Omit<Reading, 'ts' | 'receivedAt' | 'value'>>>>();
/** One gateway message's readings (all the station's parameters at `ts`). */
const messageOf = (cat: Catalogue, stationId: string, ts: number): Reading[] => {
  let byStation = templates.get(cat);
  if (!byStation) templates.set(cat, (byStation = new Map()));
  let tpl = byStation.get(stationId);
  if (!tpl) {
    const zone = cat.zoneOf(stationId)!.id;
    byStation.set(
      stationId,
      (tpl = cat
        .station(stationId)!
        .parameters.map((p) => ({ station: stationId, zone, parameter: p.parameter, unit: p.unit, status: '00' as const }))),
    );
  }
  return tpl.map((x) => ({ ...x, ts, receivedAt: ts + 20, value: (TYPICAL[x.parameter] ?? 10) * (0.9 + 0.2 * Math.random()) }));
};

describe('compact live encoding (core/live.ts)', () => {
  it('round-trips readings through rows, statuses and all, with 6 significant digits', () => {
    const enc = createLiveEncoder(catalogue);
    const [a, b] = catalogue.stations;
    const t0 = 1_790_000_000_000;
    const input: Reading[] = [
      { ...reading(catalogue, a!.id, a!.parameters[0]!.parameter, t0), value: 123.456789 },
      { ...reading(catalogue, a!.id, a!.parameters[2]!.parameter, t0, '01'), value: 7.1 },
      { ...reading(catalogue, a!.id, a!.parameters[1]!.parameter, t0 - 60_000, '02'), value: 0.000123456789 },
      { ...reading(catalogue, b!.id, b!.parameters[3]!.parameter, t0 + 5), value: -4 },
    ];
    const serverTime = t0 + 300;
    const rows = enc.rows(input, serverTime);
    expect(rows).toHaveLength(3); // a@t0, a@t0-60s, b@t0+5
    expect(rows).toContainEqual([0, -300, 123.457, null, 7.1, '001']);
    const out = decodeLiveRows(enc.index, rows, serverTime);
    const key = (r: Reading): string => `${r.station}|${r.parameter}|${r.ts}|${r.status}|${r.unit}|${r.zone}`;
    expect(out.map(key).sort()).toEqual(input.map(key).sort());
    const values = new Map(out.map((r) => [key(r), r.value]));
    expect(values.get(key(input[0]!))).toBe(123.457);
    expect(values.get(key(input[2]!))).toBe(0.000123457);
    expect(values.get(key(input[3]!))).toBe(-4);
  });

  it("makes the same rows from the hub's columns as from reading objects", () => {
    const enc = createLiveEncoder(national);
    const t0 = 1_790_000_000_000;
    const cols = new ReadingColumns(16);
    const input: Reading[] = [];
    for (let k = 0; k < 400; k++) {
      const s = national.stations[(k * 37) % national.stations.length]!;
      const ts = t0 - (k % 3) * 1000;
      const status: Reading['status'] = k % 11 === 0 ? '02' : k % 13 === 0 ? '01' : '00';
      // a message's readings, some of them, in a run; now and then a station again later
      for (const p of s.parameters.filter((_, i) => (i + k) % 4 !== 0))
        input.push({ ...reading(national, s.id, p.parameter, ts, status), value: 1000 * Math.random() - 10 });
    }
    for (const r of input) cols.push(enc.slotOf(r.station, r.parameter), r);
    const serverTime = t0 + 250;
    const key = (r: Reading): string => `${r.station}|${r.parameter}|${r.ts}|${r.status}|${r.value}`;
    const fromColumns = decodeLiveRows(enc.index, cols.rows(enc, serverTime), serverTime).map(key).sort();
    const fromObjects = decodeLiveRows(enc.index, enc.rows(input, serverTime), serverTime).map(key).sort();
    expect(fromColumns).toEqual(fromObjects);
    expect(fromColumns).toHaveLength(input.length);
  });

  it('skips rows that do not fit the index instead of throwing', () => {
    const enc = createLiveEncoder(catalogue);
    const rows = [[99_999, 0, 1], ['x', 0, 1], [0, 0, ...Array(40).fill(1)], [0], null, [0, 0, 'NaN', 5]] as unknown as Parameters<
      typeof decodeLiveRows
    >[1];
    expect(() => decodeLiveRows(enc.index, rows, 0)).not.toThrow();
    expect(decodeLiveRows(enc.index, rows, 0)).toHaveLength(1); // only the last row's second value
  });
});

describe('live hub', () => {
  let hub: LiveHub | undefined;
  afterEach(() => {
    hub?.close();
    hub = undefined;
    vi.useRealTimers();
  });

  const alert = (over: Partial<Alert> = {}): Alert => ({
    id: 'BN-YENPHONG-F001-NT1|COD|threshold',
    station: 'BN-YENPHONG-F001-NT1',
    zone: 'yen-phong',
    parameter: 'COD',
    rule: 'threshold',
    severity: 'critical',
    state: 'firing',
    message: 'COD above the limit',
    value: 160,
    limit: 150,
    unit: 'mg/L',
    since: 1,
    updatedAt: 1,
    ...over,
  });

  it('sends a snapshot on connect with latest values, open alerts, presence and storage', () => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    const readings$ = new Subject<Reading>();
    const presence$ = new Subject<Presence>();
    const storage$ = new Subject<StorageCondition>();
    hub = createLiveHub({ catalogue, readings$, presence$, storage$, openAlerts: () => [alert()] });
    const s = catalogue.stations[0]!;
    for (const r of messageOf(catalogue, s.id, Date.now() - 1000)) readings$.next(r);
    presence$.next({ station: s.id, state: 'offline', ts: Date.now() });
    storage$.next({ backlog: true, spoolBytes: 5e6, budgetBytes: 1e9, backpressure: 'none' });
    const ws = fakeSocket();
    hub.attach(ws.socket);
    const [snap] = ws.frames<LiveSnap>();
    expect(snap!.type).toBe('snap');
    expect(snap!.index.stations).toHaveLength(catalogue.stations.length);
    expect(snap!.alerts.map((a) => a.id)).toEqual([alert().id]);
    expect(snap!.online[0]).toBe(0);
    expect(snap!.online[1]).toBeNull();
    expect(snap!.storage?.backlog).toBe(true);
    expect(snap!.received[0]).toBe(1000 - 20);
    const latest = decodeLiveRows(snap!.index, snap!.rows, snap!.serverTime);
    expect(latest).toHaveLength(s.parameters.length);
    // The readings format gives the same as plain objects.
    const verbose = fakeSocket();
    hub.attach(verbose.socket, { format: 'readings' });
    const [v] = verbose.frames<Extract<LiveFrame, { type: 'snapshot' }>>();
    expect(v!.type).toBe('snapshot');
    expect(v!.latest).toHaveLength(s.parameters.length);
    expect(v!.presence?.[0]?.state).toBe('offline');
  });

  it('coalesces deltas to at most 4 frames a second and sends alert events at once', () => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    const readings$ = new Subject<Reading>();
    const alertEvents$ = new Subject<AlertEvent>();
    hub = createLiveHub({ catalogue, readings$, alertEvents$ });
    const ws = fakeSocket();
    hub.attach(ws.socket);
    // 10 s of one message every 10 ms from 5 stations: 100 messages a second each.
    const ids = catalogue.stations.slice(0, 5).map((s) => s.id);
    let sentReadings = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      for (const id of ids)
        for (const r of messageOf(catalogue, id, Date.now())) {
          readings$.next(r);
          sentReadings += 1;
        }
      if (ms === 5_000) alertEvents$.next({ type: 'raised', at: Date.now(), alert: alert() });
      vi.advanceTimersByTime(10);
      if (ms === 5_000) {
        // the alert frame went out before the next tick
        expect(ws.frames().at(-1)?.type).toBe('alert');
      }
    }
    const frames = ws.frames<LiveFrame & { serverTime: number }>();
    const deltas = frames.filter((f) => f.type === 'delta');
    for (let second = 0; second < 10; second++) {
      const start = 1_790_000_000_000 + second * 1000;
      expect(deltas.filter((f) => f.serverTime >= start && f.serverTime < start + 1000).length).toBeLessThanOrEqual(4);
    }
    expect(frames.filter((f) => f.type === 'alert')).toHaveLength(1);
    // Under budget nothing is dropped: every reading reached the client.
    const index = (frames[0] as LiveSnap).index;
    const got = deltas.flatMap((f) => decodeLiveRows(index, (f as LiveDelta).rows, f.serverTime));
    expect(got).toHaveLength(sentReadings);
  });

  it('paces deltas by the configured frame interval (DASHBOARD_FRAME_MS) on the shared stream and on a focus', () => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    const readings$ = new Subject<Reading>();
    hub = createLiveHub({ catalogue, readings$, alertEvents$: new Subject<AlertEvent>(), frameMs: 150 });
    const shared = fakeSocket();
    const focused = fakeSocket();
    hub.attach(shared.socket);
    hub.attach(focused.socket);
    const id = catalogue.stations[0]!.id;
    focused.emitMessage(JSON.stringify({ type: 'focus', stations: [id] }));
    // 6 s of a message every 10 ms: readings arrive all the time, so every frame that may go, goes.
    for (let ms = 0; ms < 6000; ms += 10) {
      for (const r of messageOf(catalogue, id, Date.now())) readings$.next(r);
      vi.advanceTimersByTime(10);
    }
    for (const ws of [shared, focused]) {
      const times = ws
        .frames<LiveFrame & { serverTime: number }>()
        .filter((f) => f.type === 'delta' && (f as LiveDelta).rows.length > 0)
        .map((f) => f.serverTime);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(150);
      // 6,000 ms / 150 ms = 40 frames; the 250 ms default would allow only 24.
      expect(times.length).toBeGreaterThanOrEqual(36);
      expect(times.length).toBeLessThanOrEqual(41);
    }
  });

  it('skips a slow client (bufferedAmount) and resyncs it with a snapshot; cuts it off past the hard bound', () => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    const readings$ = new Subject<Reading>();
    hub = createLiveHub({ catalogue, readings$, maxBufferedBytes: 1000, hardBufferedBytes: 10_000 });
    const slow = fakeSocket();
    const fast = fakeSocket();
    hub.attach(slow.socket);
    hub.attach(fast.socket);
    const id = catalogue.stations[0]!.id;
    const tick = (): void => {
      for (const r of messageOf(catalogue, id, Date.now())) readings$.next(r);
      vi.advanceTimersByTime(250);
    };
    slow.bufferedAmount = 5000;
    for (let i = 0; i < 4; i++) tick();
    expect(slow.frames().map((f) => f.type)).toEqual(['snap']);
    expect(fast.frames().filter((f) => f.type === 'delta')).toHaveLength(4);
    expect(hub.stats().droppedFrames).toBeGreaterThanOrEqual(4);
    slow.bufferedAmount = 0;
    tick();
    expect(slow.frames().map((f) => f.type)).toEqual(['snap', 'snap']);
    tick();
    expect(slow.frames().at(-1)?.type).toBe('delta');
    slow.bufferedAmount = 50_000;
    tick();
    expect(slow.closed.terminated).toBe(true);
    expect(hub.stats().clients).toBe(1);
  });

  it('closes the sockets of an ended session with 4401', () => {
    const readings$ = new Subject<Reading>();
    hub = createLiveHub({ catalogue, readings$ });
    const a = fakeSocket();
    const b = fakeSocket();
    hub.attach(a.socket, { format: 'compact', sessionId: 's1' });
    hub.attach(b.socket, { format: 'compact', sessionId: 's2' });
    expect(hub.sessionIds().sort()).toEqual(['s1', 's2']);
    hub.closeSession('s1');
    expect(a.closed.code).toBe(4401);
    expect(b.closed.code).toBeUndefined();
    expect(hub.sessionIds()).toEqual(['s2']);
  });

  it("sends a focused client its stations at once, at most 4 frames a second, with every station's reception times", () => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    const readings$ = new Subject<Reading>();
    const presence$ = new Subject<Presence>();
    // No heartbeat: this test counts frames in quiet periods (the beat is tested in dashboard-heartbeat.test.ts).
    hub = createLiveHub({ catalogue, readings$, presence$, heartbeatMs: Infinity });
    const [a, b] = catalogue.stations;
    const focused = fakeSocket();
    const shared = fakeSocket();
    hub.attach(focused.socket);
    hub.attach(shared.socket);
    for (const r of messageOf(catalogue, a!.id, Date.now() - 5000)) readings$.next(r);
    focused.emitMessage(JSON.stringify({ type: 'focus', stations: [a!.id] }));
    expect(hub.stats().focused).toBe(1);
    vi.advanceTimersByTime(1);
    // The focus starts with its stations' latest values (the shared stream had not sent them yet).
    const index = focused.frames<LiveSnap>()[0]!.index;
    const first = focused.frames<LiveDelta>().at(-1)!;
    expect(first.type).toBe('delta');
    expect(decodeLiveRows(index, first.rows, first.serverTime)).toHaveLength(a!.parameters.length);
    expect(first.received).toHaveLength(catalogue.stations.length);
    expect(first.serverTime - first.received![index.stations.indexOf(a!.id)]!).toBe(1_790_000_000_000 - 5000 + 20); // the reading's receivedAt

    // 4 s: station a reports once a second, b every 50 ms; a presence change on the way.
    const latency: number[] = [];
    const start = Date.now();
    for (let ms = 0; ms < 4000; ms += 50) {
      if (ms % 1000 === 500) for (const r of messageOf(catalogue, a!.id, Date.now())) readings$.next(r);
      for (const r of messageOf(catalogue, b!.id, Date.now())) readings$.next(r);
      if (ms === 2000) presence$.next({ station: b!.id, state: 'offline', ts: Date.now() });
      vi.advanceTimersByTime(50);
    }
    const deltas = focused.frames<LiveDelta>().filter((f) => f.type === 'delta' && f.serverTime >= start);
    for (const f of deltas) {
      for (const r of decodeLiveRows(index, f.rows, f.serverTime)) {
        expect(r.station).toBe(a!.id); // nothing of b: it is not in the focus
        latency.push(f.serverTime - r.ts);
      }
    }
    expect(latency).toHaveLength(4 * a!.parameters.length);
    expect(Math.max(...latency)).toBeLessThanOrEqual(1); // no frame wait: sent on the next turn
    expect(deltas.some((f) => f.presence?.some((p) => p.station === b!.id && p.state === 'offline'))).toBe(true);
    const withReceived = deltas.filter((f) => f.received !== undefined).map((f) => f.serverTime);
    expect(withReceived.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < withReceived.length; i++) expect(withReceived[i]! - withReceived[i - 1]!).toBeGreaterThanOrEqual(1000);
    // The shared client got b's readings, each waiting for the 250 ms frame.
    const sharedRows = shared
      .frames<LiveDelta>()
      .filter((f) => f.type === 'delta')
      .flatMap((f) => decodeLiveRows(index, f.rows, f.serverTime).map((r) => f.serverTime - r.ts));
    expect(Math.max(...sharedRows)).toBeGreaterThan(100);

    // Quiet stations: reception times alone every 5 s, which hold back no reading.
    const quietFrom = focused.sent.length;
    vi.advanceTimersByTime(11_000);
    const quiet = focused.frames<LiveDelta>().slice(quietFrom);
    expect(quiet.length).toBeGreaterThanOrEqual(2);
    expect(quiet.length).toBeLessThanOrEqual(3);
    for (const f of quiet) expect(f).toMatchObject({ type: 'delta', rows: [] });
    expect(quiet.every((f) => f.received?.length === catalogue.stations.length)).toBe(true);
    const at = Date.now();
    for (const r of messageOf(catalogue, a!.id, at)) readings$.next(r);
    vi.advanceTimersByTime(1);
    const next = focused.frames<LiveDelta>().at(-1)!;
    expect(decodeLiveRows(index, next.rows, next.serverTime).map((r) => r.ts)).toContain(at);

    // A station that reports faster than 4 times a second: frames at least 250 ms apart, the latest values kept.
    const before = focused.sent.length;
    let last = 0;
    for (let ms = 0; ms < 2000; ms += 20) {
      last = Date.now();
      for (const r of messageOf(catalogue, a!.id, last)) readings$.next(r);
      vi.advanceTimersByTime(20);
    }
    vi.advanceTimersByTime(300);
    const fast = focused
      .frames<LiveDelta>()
      .slice(before)
      .filter((f) => f.type === 'delta');
    for (let i = 1; i < fast.length; i++) expect(fast[i]!.serverTime - fast[i - 1]!.serverTime).toBeGreaterThanOrEqual(250);
    expect(fast.length).toBeLessThanOrEqual(10);
    expect(Math.max(...fast.flatMap((f) => decodeLiveRows(index, f.rows, f.serverTime).map((r) => r.ts)))).toBe(last);
  });

  it('returns a client that leaves its focus to the shared stream with a snapshot; ignores and counts bad messages', () => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    const readings$ = new Subject<Reading>();
    const log = { warn: vi.fn(), error: vi.fn(), info: vi.fn(), debug: vi.fn() };
    hub = createLiveHub({ catalogue, readings$, log: log as unknown as Logger, maxBufferedBytes: 1000 });
    const [a, b] = catalogue.stations;
    const ws = fakeSocket();
    hub.attach(ws.socket);
    const send = (m: unknown): void => ws.emitMessage(typeof m === 'string' ? m : JSON.stringify(m));
    send({ type: 'focus', stations: [a!.id, 'NO-SUCH-STATION'] });
    expect(hub.stats().focused).toBe(1);
    // Bad messages change nothing and break nothing.
    send('not json');
    send({ type: 'focus', stations: Array.from({ length: MAX_FOCUS_STATIONS + 1 }, (_, i) => `S${i}`) });
    send({ type: 'subscribe', stations: [b!.id] });
    ws.emitMessage(Buffer.from([1, 2, 3]), true);
    expect(hub.stats().badMessages).toBe(4);
    expect(log.warn).toHaveBeenCalledTimes(1); // at most once a minute
    expect(hub.stats().focused).toBe(1);
    // A backed-up focused client misses frames and is resynced by a snapshot once it drains.
    ws.bufferedAmount = 5000;
    for (const r of messageOf(catalogue, a!.id, Date.now())) readings$.next(r);
    vi.advanceTimersByTime(300);
    expect(hub.stats().droppedFrames).toBeGreaterThanOrEqual(1);
    ws.bufferedAmount = 0;
    vi.advanceTimersByTime(250);
    expect(ws.frames().at(-1)?.type).toBe('snap');
    // Leaving the focus: a snapshot, then the shared stream, b included.
    send({ type: 'focus', stations: [] });
    expect(hub.stats().focused).toBe(0);
    const before = ws.sent.length;
    vi.advanceTimersByTime(1000); // resyncs are at most a second apart
    for (const r of messageOf(catalogue, b!.id, Date.now())) readings$.next(r);
    vi.advanceTimersByTime(250);
    const after = ws.frames<LiveFrame>().slice(before);
    expect(after[0]?.type).toBe('snap');
    const index = ws.frames<LiveSnap>()[0]!.index;
    const rows = after.filter((f): f is LiveDelta => f.type === 'delta').flatMap((f) => decodeLiveRows(index, f.rows, f.serverTime));
    expect(new Set(rows.map((r) => r.station))).toEqual(new Set([b!.id]));
    // A focus on unknown stations only is no focus.
    send({ type: 'focus', stations: ['NO-SUCH-STATION'] });
    expect(hub.stats().focused).toBe(0);
    // Flipping in and out of a focus costs at most a snapshot a second.
    const snapshotsBefore = hub.stats().snapshots;
    for (let i = 0; i < 40; i++) {
      send({ type: 'focus', stations: i % 2 === 0 ? [a!.id] : [] });
      vi.advanceTimersByTime(100);
    }
    expect(hub.stats().snapshots - snapshotsBefore).toBeLessThanOrEqual(4);
    // Closing forgets it.
    send({ type: 'focus', stations: [a!.id] });
    ws.emitClose();
    expect(hub.stats()).toMatchObject({ clients: 0, focused: 0 });
  });

  /**
   * The live path's bar: 2,000 stations at one message a second (16,000 readings/s) reach
   * each client at no more than 300 KB/s. Virtual time, real encoding: the figure is bytes, not speed.
   */
  it.each([
    [1, 'compact'],
    [3, 'compact'],
    [3, 'binary'],
  ] as const)(
    'keeps a client under 300 KB/s with 2,000 stations x 8 parameters at %i message(s) a second each (%s)',
    (perSecond, format) => {
      vi.useFakeTimers({ now: 1_790_000_000_000 });
      const readings$ = new Subject<Reading>();
      // No heartbeat: this test counts frames in quiet periods (the beat is tested in dashboard-heartbeat.test.ts).
      hub = createLiveHub({ catalogue: national, readings$, heartbeatMs: Infinity });
      const ws = fakeSocket();
      hub.attach(ws.socket, { format });
      const snapshotBytes = ws.sent[0]!.length;
      const seconds = perSecond === 1 ? 6 : 4;
      const stepMs = 50;
      const ids = national.stations.map((s) => s.id);
      let next = 0;
      const perStep = (ids.length * perSecond * stepMs) / 1000;
      const last = new Map<string, number>();
      for (let t = 0; t < seconds * 1000; t += stepMs) {
        for (let i = 0; i < perStep; i++) {
          const id = ids[next++ % ids.length]!;
          for (const r of messageOf(national, id, Date.now())) {
            readings$.next(r);
            last.set(`${r.station}|${r.parameter}`, r.ts);
          }
        }
        vi.advanceTimersByTime(stepMs);
      }
      vi.advanceTimersByTime(2000); // let held frames go
      const deltaBytes = ws.sent.slice(1).reduce((n, s) => n + Buffer.byteLength(s), 0);
      const perS = deltaBytes / (seconds + 2);
      console.log(
        `[figure] ${perSecond} msg/s x 2,000 stations, ${format}: ${Math.round(perS / 1000)} KB/s per client (snapshot ${Math.round(snapshotBytes / 1000)} KB, ${ws.sent.length - 1} frames, coalesced ${hub.stats().coalesced} readings)`,
      );
      expect(perS).toBeLessThanOrEqual(300_000);
      if (format === 'binary') {
        // Binary deltas fit the budget where JSON does not: every frame went, 4 a second, nothing held.
        expect(ws.sent.slice(1).every((f) => typeof f !== 'string')).toBe(true);
        expect(ws.sent.length - 1).toBeGreaterThanOrEqual(4 * seconds - 1);
      }
      // Coalescing keeps the latest per series: every series' newest reading arrived.
      const index = (ws.frames()[0] as LiveSnap).index;
      const seen = new Map<string, number>();
      for (const f of ws.frames().slice(1)) {
        if (f.type !== 'delta') continue;
        for (const r of decodeLiveRows(index, (f as LiveDelta).rows, (f as LiveDelta).serverTime)) {
          const k = `${r.station}|${r.parameter}`;
          seen.set(k, Math.max(seen.get(k) ?? 0, r.ts));
        }
      }
      for (const [k, ts] of last) expect(seen.get(k), k).toBe(ts);
    },
    30_000,
  );
});

describe('live hub parts, in virtual time', () => {
  const T0 = 1_790_000_000_000;
  let hub: LiveHub | undefined;
  afterEach(() => {
    hub?.close();
    hub = undefined;
  });

  it('sends the shared stream exactly one frame per frame interval, and none when nothing waits', () => {
    const vt = createVirtualTime(T0);
    const readings$ = new Subject<Reading>();
    hub = createLiveHub({ catalogue, readings$, scheduler: vt.scheduler, frameMs: 250 });
    const ws = fakeSocket();
    hub.attach(ws.socket);
    const s = catalogue.stations[0]!;
    const deltas = (): LiveDelta[] => ws.frames<LiveDelta>().filter((f) => f.type === 'delta');
    for (const r of messageOf(catalogue, s.id, vt.now())) readings$.next(r);
    vt.advanceBy(249);
    expect(deltas()).toHaveLength(0);
    vt.advanceBy(1);
    expect(deltas()).toHaveLength(1);
    expect(deltas()[0]!.serverTime).toBe(T0 + 250);
    const index = ws.frames<LiveSnap>()[0]!.index;
    expect(decodeLiveRows(index, deltas()[0]!.rows, T0 + 250)).toHaveLength(s.parameters.length);
    // Five messages within the next interval: still one frame, at its end.
    for (let k = 0; k < 5; k++) {
      for (const r of messageOf(catalogue, s.id, vt.now())) readings$.next(r);
      vt.advanceBy(40);
    }
    vt.advanceTo(T0 + 500);
    expect(deltas().map((f) => f.serverTime)).toEqual([T0 + 250, T0 + 500]);
    vt.advanceBy(2000);
    expect(deltas()).toHaveLength(2);
  });

  it('sends a focused socket its frame on the next turn, never sooner than the interval after its previous one', () => {
    const vt = createVirtualTime(T0);
    const readings$ = new Subject<Reading>();
    hub = createLiveHub({ catalogue, readings$, scheduler: vt.scheduler, frameMs: 250 });
    const ws = fakeSocket();
    hub.attach(ws.socket);
    const a = catalogue.stations[0]!;
    const deltas = (): LiveDelta[] => ws.frames<LiveDelta>().filter((f) => f.type === 'delta');
    for (const r of messageOf(catalogue, a.id, vt.now())) readings$.next(r);
    ws.emitMessage(JSON.stringify({ type: 'focus', stations: [a.id] }));
    expect(deltas()).toHaveLength(0); // not within the turn
    vt.advanceBy(0);
    expect(deltas().map((f) => f.serverTime)).toEqual([T0]);
    vt.advanceBy(10);
    for (const r of messageOf(catalogue, a.id, vt.now())) readings$.next(r);
    vt.advanceBy(239); // T0 + 249: the previous frame is not 250 ms old yet
    expect(deltas()).toHaveLength(1);
    vt.advanceBy(1);
    expect(deltas().map((f) => f.serverTime)).toEqual([T0, T0 + 250]);
    const index = ws.frames<LiveSnap>()[0]!.index;
    expect(decodeLiveRows(index, deltas()[1]!.rows, T0 + 250).map((r) => r.ts)).toContain(T0 + 10);
    // Past the interval, a reading goes on the next turn.
    vt.advanceTo(T0 + 600);
    for (const r of messageOf(catalogue, a.id, vt.now())) readings$.next(r);
    vt.advanceBy(0);
    expect(deltas().map((f) => f.serverTime)).toEqual([T0, T0 + 250, T0 + 600]);
  });

  it('counts every bad client message and logs them at most once a minute (platform rate-limited log)', () => {
    const vt = createVirtualTime(T0);
    const log = { warn: vi.fn(), error: vi.fn(), info: vi.fn(), debug: vi.fn() };
    hub = createLiveHub({ catalogue, readings$: new Subject<Reading>(), scheduler: vt.scheduler, log: log as unknown as Logger });
    const ws = fakeSocket();
    hub.attach(ws.socket);
    for (let k = 0; k < 3; k++) ws.emitMessage('not json');
    expect(log.warn).toHaveBeenCalledTimes(1);
    vt.advanceBy(60_000);
    ws.emitMessage('still not json');
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.warn.mock.calls[1]![0]).toMatchObject({ suppressed: 2 });
    expect(hub.stats().badMessages).toBe(4);
  });

  it('collapses pending readings to the latest per series, counting what it replaced', () => {
    const enc = createLiveEncoder(catalogue);
    const stats = { coalesced: 0 };
    const pending = new PendingReadings(enc.seriesCount, 4, stats);
    const s = catalogue.stations[0]!;
    const p = s.parameters[0]!.parameter;
    const add = (ts: number): void => pending.add(enc.slotOf(s.id, p), reading(catalogue, s.id, p, ts));
    for (const ts of [T0, T0 + 2000, T0 + 1000, T0 + 3000]) add(ts);
    expect(pending.length).toBe(4);
    add(T0 + 500); // past maxPending: collapses in place
    expect(pending.length).toBe(1);
    expect(pending.columns.ts[0]).toBe(T0 + 3000);
    expect(stats.coalesced).toBe(4);
    add(T0 + 4000); // collapsed: the newer replaces it
    expect(pending.length).toBe(1);
    expect(pending.columns.ts[0]).toBe(T0 + 4000);
    expect(stats.coalesced).toBe(5);
    pending.clear();
    expect(pending.isEmpty()).toBe(true);
    add(T0);
    add(T0 + 1);
    expect(pending.length).toBe(2); // not collapsed any more
  });

  it('holds a shared frame the byte budget cannot take, coalesced, and sends it once the bucket refills', () => {
    const vt = createVirtualTime(T0);
    const readings$ = new Subject<Reading>();
    // No heartbeat: this test counts frames in quiet periods (the beat is tested in dashboard-heartbeat.test.ts).
    hub = createLiveHub({ catalogue: national, readings$, scheduler: vt.scheduler, budgetBytesPerS: 20_000, heartbeatMs: Infinity });
    const ws = fakeSocket();
    hub.attach(ws.socket);
    const burst = (ts: number): void => {
      for (let k = 2; k >= 0; k--)
        for (const s of national.stations.slice(0, 600)) for (const r of messageOf(national, s.id, ts - k)) readings$.next(r);
    };
    // A full bucket takes one frame whatever its size, coalesced first (three readings a series, the latest goes).
    burst(vt.now());
    vt.advanceBy(250);
    expect(ws.sent).toHaveLength(2);
    expect(hub.stats().coalesced).toBe(2 * 600 * 8);
    // The next one does not fit what is left: held, its readings coalescing, until the bucket refills.
    const at = vt.now();
    burst(at);
    vt.advanceBy(250);
    expect(ws.sent).toHaveLength(2);
    vt.advanceBy(3000);
    expect(ws.sent).toHaveLength(3);
    const index = ws.frames<LiveSnap>()[0]!.index;
    const last = ws.frames<LiveDelta>()[2]!;
    const got = decodeLiveRows(index, last.rows, last.serverTime);
    expect(got).toHaveLength(600 * 8);
    expect(got.every((r) => r.ts === at)).toBe(true);
  });
});
