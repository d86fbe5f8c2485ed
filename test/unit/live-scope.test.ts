import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeLiveRows,
  parseCatalogue,
  parseScope,
  stationScope,
  type Alert,
  type AlertEvent,
  type Catalogue,
  type CatalogueFile,
  type LiveDelta,
  type LiveSnap,
  type LiveSnapshot,
  type Presence,
  type Reading,
  type StationScope,
  type StorageCondition,
} from '../../core/index.js';
import { createLiveEncoder } from '../../dashboard/server/live-encoder.js';
import { createLiveHub, type LiveHub } from '../../dashboard/server/live-hub.js';
import { registerLiveMetrics } from '../../dashboard/server/live-metrics.js';
import { Registry } from 'prom-client';
import { createScopeView, scopeKey } from '../../dashboard/server/live-scope.js';
import { fakeSocket, type FakeSocket } from '../helpers/fake-socket.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = parseCatalogue(JSON.parse(await readFile(resolve('seeds/catalogue.json'), 'utf8')) as CatalogueFile);
});

const scopeOf = (...texts: string[]): StationScope => stationScope(catalogue, texts.map(parseScope));
const inProvince = (province: string): string[] =>
  catalogue.stations.filter((s) => catalogue.zoneOf(s.id)?.province === province).map((s) => s.id);

const T0 = 1_790_000_000_000;
const reading = (station: string, ts: number, value = 42): Reading => {
  const p = catalogue.station(station)!.parameters[0]!;
  return {
    station,
    zone: catalogue.zoneOf(station)!.id,
    parameter: p.parameter,
    unit: p.unit,
    status: '00',
    ts,
    receivedAt: ts + 20,
    value,
  };
};
const alertOf = (station: string): Alert => ({
  id: `${station}|COD|threshold`,
  station,
  zone: catalogue.zoneOf(station)!.id,
  parameter: 'COD',
  rule: 'threshold',
  severity: 'critical',
  state: 'firing',
  message: 'COD above the limit',
  since: T0,
  updatedAt: T0,
});

/** Station ids a frame names: rows against the snapshot's index, presence, alerts. */
const stationsOfRows = (snap: LiveSnap, delta: LiveDelta): string[] => [
  ...new Set(decodeLiveRows(snap.index, delta.rows, delta.serverTime).map((r) => r.station)),
];

describe('live stream by scope (core/scope.ts, live-scope.ts)', () => {
  let hub: LiveHub | undefined;
  afterEach(() => hub?.close());

  function setUp(openAlerts: Alert[] = []) {
    const vt = createVirtualTime(T0);
    const readings$ = new Subject<Reading>();
    const presence$ = new Subject<Presence>();
    const alertEvents$ = new Subject<AlertEvent>();
    const storage$ = new Subject<StorageCondition>();
    hub = createLiveHub({ catalogue, readings$, presence$, alertEvents$, storage$, scheduler: vt.scheduler, openAlerts: () => openAlerts });
    return { vt, readings$, presence$, alertEvents$, storage$, hub };
  }

  it('narrows the index to the scope and numbers rows against it', () => {
    const enc = createLiveEncoder(catalogue);
    const bn = inProvince('Bắc Ninh');
    const view = createScopeView(enc, scopeOf('province:Bắc Ninh'));
    expect(view.encoder.index.stations).toEqual(bn);
    expect(view.has(bn[0]!)).toBe(true);
    expect(view.has(inProvince('Hà Nội')[0]!)).toBe(false);
    expect(view.encoder.slotOf(inProvince('Hà Nội')[0]!, 'COD')).toBe(-1);
    const rows = view.encoder.rows([reading(bn[1]!, T0), reading(inProvince('Hà Nội')[0]!, T0)], T0);
    expect(rows).toHaveLength(1);
    expect(decodeLiveRows(view.encoder.index, rows, T0).map((r) => r.station)).toEqual([bn[1]]);
    // Equal scopes, in any order, make one key.
    expect(scopeKey(scopeOf('zone:YENPHONG', 'province:Hà Nội'))).toBe(scopeKey(scopeOf('province:Hà Nội', 'zone:YENPHONG')));
  });

  it('gives a scoped client only its stations in the snapshot, deltas, alerts and presence; an unscoped client everything', () => {
    const bn = inProvince('Bắc Ninh');
    const hn = inProvince('Hà Nội');
    const { vt, readings$, presence$, alertEvents$, storage$ } = setUp([alertOf(bn[0]!), alertOf(hn[0]!)]);
    readings$.next(reading(bn[0]!, T0 - 1000));
    readings$.next(reading(hn[0]!, T0 - 1000));
    presence$.next({ station: hn[0]!, state: 'offline', ts: T0 - 500 });
    vt.advanceBy(250); // nobody watches yet: these are in the snapshot, not in a delta
    const scoped = fakeSocket();
    const whole = fakeSocket();
    const verbose = fakeSocket();
    hub!.attach(scoped.socket, { format: 'compact', scope: scopeOf('province:Bắc Ninh') });
    hub!.attach(whole.socket, { format: 'compact', scope: scopeOf('country') });
    hub!.attach(verbose.socket, { format: 'readings', scope: scopeOf('province:Bắc Ninh') });

    const snap = scoped.frames<LiveSnap>()[0]!;
    expect(snap.type).toBe('snap');
    expect(snap.index.stations).toEqual(bn);
    expect(snap.index.stations).not.toContain(hn[0]);
    expect(snap.received).toHaveLength(bn.length);
    expect(snap.online).toHaveLength(bn.length);
    expect(decodeLiveRows(snap.index, snap.rows, snap.serverTime).map((r) => r.station)).toEqual([bn[0]]);
    expect(snap.alerts.map((a) => a.station)).toEqual([bn[0]]);
    expect(JSON.stringify(snap)).not.toContain(hn[0]);
    const wholeSnap = whole.frames<LiveSnap>()[0]!;
    expect(wholeSnap.index.stations).toHaveLength(catalogue.stations.length);
    expect(wholeSnap.alerts).toHaveLength(2);
    const vsnap = verbose.frames<LiveSnapshot>()[0]!;
    expect(vsnap.latest.map((r) => r.station)).toEqual([bn[0]]);
    expect(vsnap.presence).toEqual([]);
    expect(vsnap.alerts!.map((a) => a.station)).toEqual([bn[0]]);

    readings$.next(reading(bn[1]!, T0 + 10));
    readings$.next(reading(hn[1]!, T0 + 10));
    presence$.next({ station: bn[2]!, state: 'online', ts: T0 + 10 });
    presence$.next({ station: hn[2]!, state: 'online', ts: T0 + 10 });
    vt.advanceBy(250);
    const delta = scoped.frames<LiveDelta>()[1]!;
    expect(delta.type).toBe('delta');
    expect(stationsOfRows(snap, delta)).toEqual([bn[1]]);
    expect(delta.presence!.map((p) => p.station)).toEqual([bn[2]]);
    const wholeDelta = whole.frames<LiveDelta>()[1]!;
    expect(stationsOfRows(wholeSnap, wholeDelta).sort()).toEqual([bn[1], hn[1]].sort());
    expect(wholeDelta.presence).toHaveLength(2);
    const vdelta = verbose.frames<{ type: string; readings: Reading[]; presence: Presence[] }>()[1]!;
    expect(vdelta.readings.map((r) => r.station)).toEqual([bn[1]]);
    expect(vdelta.presence.map((p) => p.station)).toEqual([bn[2]]);

    // A tick with nothing of its stations sends a scoped client nothing.
    const before = scoped.sent.length;
    readings$.next(reading(hn[1]!, T0 + 300));
    vt.advanceBy(250);
    expect(scoped.sent.length).toBe(before);
    expect(whole.sent.length).toBe(3);

    // Alert events: only those of its stations; the storage condition (centre-wide): to everyone.
    alertEvents$.next({ type: 'raised', at: T0, alert: alertOf(hn[3]!) } as AlertEvent);
    alertEvents$.next({ type: 'raised', at: T0, alert: alertOf(bn[3]!) } as AlertEvent);
    storage$.next({ level: 'ok' } as unknown as StorageCondition);
    const types = (s: FakeSocket) =>
      s.frames<{ type: string; event?: AlertEvent }>().filter((f) => f.type !== 'delta' && f.type !== 'snap');
    expect(types(scoped).map((f) => [f.type, f.event?.alert.station])).toEqual([
      ['alert', bn[3]],
      ['storage', undefined],
    ]);
    expect(types(whole).map((f) => f.type)).toEqual(['alert', 'alert', 'storage']);
  });

  it('encodes one frame per scope per tick, shared by its clients; clients of every station keep the shared encoding', () => {
    const bn = inProvince('Bắc Ninh');
    const { vt, readings$ } = setUp();
    const a = fakeSocket();
    const b = fakeSocket();
    const other = fakeSocket();
    const c1 = fakeSocket();
    const c2 = fakeSocket();
    hub!.attach(a.socket, { format: 'binary', scope: scopeOf('province:Bắc Ninh') });
    hub!.attach(b.socket, { format: 'binary', scope: scopeOf('province:Bắc Ninh') });
    hub!.attach(other.socket, { format: 'binary', scope: scopeOf('province:Hà Nội') });
    hub!.attach(c1.socket, { format: 'binary' });
    hub!.attach(c2.socket, { format: 'binary', scope: scopeOf('country') });
    expect(hub!.stats().scopes).toBe(2);
    // The snapshot of a scope is encoded once too (the same text, cached per scope).
    expect(a.sent[0]).toBe(b.sent[0]);
    readings$.next(reading(bn[0]!, T0));
    readings$.next(reading(inProvince('Hà Nội')[0]!, T0));
    vt.advanceBy(250);
    expect(a.sent[1]).toBeInstanceOf(Uint8Array);
    expect(a.sent[1]).toBe(b.sent[1]); // one buffer for both
    expect(c1.sent[1]).toBe(c2.sent[1]);
    expect(c1.sent[1]).not.toBe(a.sent[1]);
    expect(other.sent[1]).not.toBe(a.sent[1]);
    expect(hub!.stats().scopedFrames).toBe(2);
    // The last client of a scope leaving forgets its view.
    other.emitClose();
    expect(hub!.stats().scopes).toBe(1);
  });

  it('treats a focus on a station out of scope like an unknown station, and sends a focus only its scope', () => {
    const bn = inProvince('Bắc Ninh');
    const hn = inProvince('Hà Nội');
    const { vt, readings$, presence$ } = setUp();
    const ws = fakeSocket();
    hub!.attach(ws.socket, { format: 'compact', scope: scopeOf('province:Bắc Ninh') });
    const snap = ws.frames<LiveSnap>()[0]!;
    ws.emitMessage(JSON.stringify({ type: 'focus', stations: [hn[0]] }));
    expect(hub!.stats().focused).toBe(0);
    readings$.next(reading(hn[0]!, T0));
    vt.advanceBy(1000);
    expect(ws.sent).toHaveLength(1); // only the snapshot: nothing of Hà Nội

    ws.emitMessage(JSON.stringify({ type: 'focus', stations: [hn[0], bn[0]] }));
    expect(hub!.stats().focused).toBe(1);
    readings$.next(reading(hn[0]!, T0 + 2000));
    readings$.next(reading(bn[0]!, T0 + 2000));
    presence$.next({ station: hn[0]!, state: 'online', ts: T0 + 2000 });
    presence$.next({ station: bn[0]!, state: 'online', ts: T0 + 2000 });
    vt.advanceBy(300);
    const frames = ws.frames<LiveDelta>().slice(1);
    expect(frames.length).toBeGreaterThan(0);
    const stations = frames.flatMap((f) => decodeLiveRows(snap.index, f.rows, f.serverTime).map((r) => r.station));
    expect(new Set(stations)).toEqual(new Set([bn[0]]));
    expect(frames.flatMap((f) => f.presence ?? []).map((p) => p.station)).toEqual([bn[0]]);
    const received = frames.find((f) => f.received !== undefined)!.received!;
    expect(received).toHaveLength(bn.length);
  });

  it('gives a scope that holds no station an empty index and nothing after it; counts scopes and their frames on /metrics', async () => {
    const { vt, readings$ } = setUp([alertOf(inProvince('Hà Nội')[0]!)]);
    const registry = new Registry();
    registerLiveMetrics(registry, hub!);
    const ws = fakeSocket();
    const bn = fakeSocket();
    hub!.attach(ws.socket, { format: 'binary', scope: scopeOf('facility:NO-SUCH') });
    hub!.attach(bn.socket, { format: 'binary', scope: scopeOf('province:Bắc Ninh') });
    const snap = ws.frames<LiveSnap>()[0]!;
    expect(snap.index.stations).toEqual([]);
    expect(snap.rows).toEqual([]);
    expect(snap.alerts).toEqual([]);
    for (const s of catalogue.stations.slice(0, 20)) readings$.next(reading(s.id, T0));
    vt.advanceBy(1000);
    expect(ws.sent).toHaveLength(1);
    const text = await registry.metrics();
    expect(text).toMatch(/^quantrac_live_scopes 2$/m);
    expect(text).toMatch(/^quantrac_live_scoped_frames_total 1$/m);
  });
});
