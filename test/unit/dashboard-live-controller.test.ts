import type { ReactiveControllerHost } from 'lit';
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { encodeBinaryDelta, type LiveIndex } from '../../core/index.js';
import { SESSION_LOST } from '../../dashboard/web/src/api.js';
import { LiveController } from '../../dashboard/web/src/live-controller.js';

/** A browser WebSocket stand-in: the test opens, feeds and closes it. */
class FakeWebSocket {
  static all: FakeWebSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  closedByPage = false;
  readonly sent: string[] = [];
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }
  open(): void {
    this.onopen?.();
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  receiveBinary(bytes: Uint8Array): void {
    this.onmessage?.({ data: bytes.slice().buffer });
  }
  drop(code = 1006): void {
    this.onclose?.({ code });
  }
  close(): void {
    this.closedByPage = true;
  }
  send(text: string): void {
    this.sent.push(text);
  }
}

const index: LiveIndex = {
  stations: ['A-001', 'B-002'],
  zones: ['z1', 'z2'],
  parameters: [['COD', 'pH'], ['SO2']],
  units: [['mg/L', 'pH'], ['mg/Nm3']],
};
const snap = (serverTime: number, rows: unknown[], alerts: unknown[] = []): unknown => ({
  type: 'snap',
  serverTime,
  index,
  rows,
  received: [0, null],
  online: [1, null],
  alerts,
  storage: null,
});

describe('LiveController (the page side of the live protocol)', () => {
  let host: ReactiveControllerHost & { requestUpdate: Mock };
  let events: EventTarget;
  let meStatus = 200;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    FakeWebSocket.all = [];
    events = new EventTarget();
    meStatus = 200;
    vi.stubGlobal('WebSocket', FakeWebSocket);
    vi.stubGlobal('window', events);
    vi.stubGlobal('location', { protocol: 'http:', host: 'centre.test' });
    vi.stubGlobal('requestAnimationFrame', (fn: () => void) => setTimeout(fn, 16) as unknown as number);
    vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => ({ status: meStatus })),
    );
    host = {
      addController: () => undefined,
      removeController: () => undefined,
      requestUpdate: vi.fn(),
      updateComplete: Promise.resolve(true),
    };
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('applies the snapshot then deltas, and coalesces renders to one per animation frame', () => {
    const live = new LiveController(host);
    live.hostConnected();
    const ws = FakeWebSocket.all[0]!;
    expect(ws.url).toBe('ws://centre.test/ws?format=binary');
    ws.open();
    const t = Date.now();
    ws.receive(
      snap(
        t,
        [[0, -1000, 50, 7.1]],
        [{ id: 'A-001|COD|threshold', station: 'A-001', parameter: 'COD', severity: 'critical', state: 'firing', since: 1 }],
      ),
    );
    for (let i = 1; i <= 5; i++)
      ws.receive({
        type: 'delta',
        serverTime: t + i * 250,
        rows: [
          [0, -100, 50 + i],
          [1, -100, 300, '2'],
        ],
        presence: [{ station: 'B-002', state: 'offline', ts: t }],
      });
    vi.advanceTimersByTime(20);
    expect(host.requestUpdate).toHaveBeenCalledTimes(1);
    expect(live.state).toBe('open');
    expect(live.latest.get('A-001')?.readings.get('COD')).toMatchObject({ value: 55, unit: 'mg/L', status: '00', ts: t + 5 * 250 - 100 });
    expect(live.latest.get('A-001')?.readings.get('pH')?.value).toBe(7.1);
    expect(live.latest.get('B-002')?.readings.get('SO2')).toMatchObject({ value: 300, status: '02' });
    expect(live.online.get('A-001')).toBe(true);
    expect(live.online.get('B-002')).toBe(false);
    expect([...live.alerts.keys()]).toEqual(['A-001|COD|threshold']);
    // An older reading (a late redelivery) never replaces a newer one.
    ws.receive({ type: 'delta', serverTime: t, rows: [[0, -60_000, 1]] });
    expect(live.latest.get('A-001')?.readings.get('COD')?.value).toBe(55);
  });

  it('applies binary deltas as it does compact ones, and ignores broken ones', () => {
    const live = new LiveController(host);
    live.hostConnected();
    const ws = FakeWebSocket.all[0]!;
    ws.open();
    const t = Date.now();
    ws.receive(snap(t, [[0, -1000, 50, 7.1]]));
    ws.receiveBinary(
      encodeBinaryDelta(
        [
          [0, -100, 51.25],
          [1, -100, 300, '2'],
        ],
        t + 250,
      ).bytes,
    );
    expect(live.latest.get('A-001')?.readings.get('COD')).toMatchObject({ value: 51.25, ts: t + 150 });
    expect(live.latest.get('A-001')?.readings.get('pH')?.value).toBe(7.1);
    expect(live.latest.get('B-002')?.readings.get('SO2')).toMatchObject({ value: 300, status: '02' });
    ws.receiveBinary(new Uint8Array([1, 2, 3]));
    ws.receiveBinary(new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9, 9, 9]));
    expect(live.state).toBe('open');
    expect(live.latest.get('A-001')?.readings.get('COD')?.value).toBe(51.25);
  });

  it('applies alert events at once and tells listeners; a resolved alert leaves the open list', () => {
    const live = new LiveController(host);
    live.hostConnected();
    const ws = FakeWebSocket.all[0]!;
    ws.open();
    ws.receive(snap(Date.now(), []));
    const heard: string[] = [];
    live.onAlertEvent((e) => heard.push(`${e.type}:${e.alert.id}`));
    const alert = { id: 'B-002|SO2|threshold', station: 'B-002', parameter: 'SO2', severity: 'critical', state: 'firing', since: 1 };
    ws.receive({ type: 'alert', serverTime: Date.now(), event: { type: 'raised', at: 1, alert } });
    expect(live.alerts.has(alert.id)).toBe(true);
    ws.receive({ type: 'alert', serverTime: Date.now(), event: { type: 'resolved', at: 2, alert: { ...alert, state: 'resolved' } } });
    expect(live.alerts.has(alert.id)).toBe(false);
    expect(heard).toEqual([`raised:${alert.id}`, `resolved:${alert.id}`]);
    ws.receive('not json at all');
    ws.receive({ type: 'alert', event: { nope: true } });
    expect(live.state).toBe('open');
  });

  it('reconnects with capped, jittered exponential backoff and resumes from the new snapshot', () => {
    vi.spyOn(Math, 'random').mockReturnValue(1); // the longest delay of each step
    const live = new LiveController(host, { minDelayMs: 500, maxDelayMs: 4000 });
    live.hostConnected();
    FakeWebSocket.all[0]!.open();
    FakeWebSocket.all[0]!.receive(snap(Date.now(), [[0, 0, 10]]));
    FakeWebSocket.all[0]!.drop();
    expect(live.state).toBe('reconnecting');
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const before = FakeWebSocket.all.length;
      let waited = 0;
      while (FakeWebSocket.all.length === before) {
        vi.advanceTimersByTime(50);
        waited += 50;
      }
      delays.push(waited);
      if (attempt < 5) FakeWebSocket.all.at(-1)!.drop(); // refused again (never opened)
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    // Back: a fresh snapshot replaces everything, including stations that are gone.
    const ws = FakeWebSocket.all.at(-1)!;
    ws.open();
    ws.receive(snap(Date.now(), [[1, 0, 42]]));
    expect(live.state).toBe('open');
    expect(live.latest.has('A-001')).toBe(false);
    expect(live.latest.get('B-002')?.readings.get('SO2')?.value).toBe(42);
    // After a healthy snapshot, backoff starts afresh.
    ws.drop();
    const before = FakeWebSocket.all.length;
    vi.advanceTimersByTime(500);
    expect(FakeWebSocket.all.length).toBe(before + 1);
  });

  it('stops and signals the login form when the server ends the session (4401) or refuses the upgrade for want of one', async () => {
    const lost = vi.fn();
    events.addEventListener(SESSION_LOST, lost);
    const live = new LiveController(host);
    live.hostConnected();
    FakeWebSocket.all[0]!.open();
    FakeWebSocket.all[0]!.drop(4401);
    expect(lost).toHaveBeenCalledTimes(1);
    expect(live.state).toBe('closed');
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);

    meStatus = 401;
    const other = new LiveController(host);
    other.hostConnected();
    FakeWebSocket.all[1]!.drop(1006); // refused before opening: the page asks /api/me
    await vi.waitFor(() => expect(lost).toHaveBeenCalledTimes(2));
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it('sends its focus when the socket opens and when it changes, again after a reconnect; applies reception times', () => {
    const live = new LiveController(host);
    live.focus(['A-001']); // before the socket is open: sent on open
    live.hostConnected();
    const ws = FakeWebSocket.all[0]!;
    expect(ws.sent).toEqual([]);
    ws.open();
    expect(ws.sent.map((m) => JSON.parse(m) as unknown)).toEqual([{ type: 'focus', stations: ['A-001'] }]);
    const t = Date.now();
    ws.receive(
      snap(t, [
        [0, -1000, 50, 7.1],
        [1, -60_000, 300],
      ]),
    );
    live.focus(['A-001']); // unchanged: nothing sent
    expect(ws.sent).toHaveLength(1);
    live.hostUpdate(); // a render has seen the entries: from now on they are replaced, not changed
    const seen = live.latest.get('B-002');
    expect(seen?.lastReceivedAt).toBe(t - 60_000);
    // A focused view's delta carries every station's reception time: B-002 is reporting again.
    ws.receive({ type: 'delta', serverTime: t + 1000, rows: [[0, -10, 51]], received: [10, 200] });
    expect(live.latest.get('B-002')?.lastReceivedAt).toBe(t + 800);
    expect(live.latest.get('B-002')).not.toBe(seen); // a new entry: the page re-renders it
    expect(seen?.lastReceivedAt).toBe(t - 60_000); // the old one is untouched
    expect(live.latest.get('B-002')?.readings.get('SO2')?.value).toBe(300);
    expect(live.latest.get('A-001')?.readings.get('COD')?.value).toBe(51);
    live.focus([]);
    expect(JSON.parse(ws.sent.at(-1)!)).toEqual({ type: 'focus', stations: [] });
    live.focus(['B-002']);
    ws.drop();
    vi.advanceTimersByTime(10_000);
    const again = FakeWebSocket.all.at(-1)!;
    again.open();
    expect(again.sent.map((m) => JSON.parse(m) as unknown)).toEqual([{ type: 'focus', stations: ['B-002'] }]);
  });

  it('closes its socket when the page goes away', () => {
    const live = new LiveController(host);
    live.hostConnected();
    live.hostDisconnected();
    expect(FakeWebSocket.all[0]!.closedByPage).toBe(true);
    expect(live.state).toBe('closed');
  });
});
