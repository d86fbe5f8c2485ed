import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCursorAdvancer } from '../../relay/upstream-ack-window.js';
import type { RelayCatalogue } from '../../relay/upstream-batch.js';
import type { UpstreamConnection } from '../../relay/upstream-connection.js';
import { createForwarder } from '../../relay/upstream-forwarder.js';
import { wait } from '../../platform/index.js';
import { asyncScheduler } from 'rxjs';
import { createFakeCursor, readingLine, type FakeCursor } from '../helpers/relay-fake-cursor.js';

const catalogue: RelayCatalogue = {
  stations: [{ id: 'ST-ONE' }, { id: 'ST-TWO' }],
  station: (id) => (id.startsWith('ST-') ? { id } : undefined),
  stationParameter: () => ({ unit: 'mg/Nm3' }),
};

interface Sent {
  topic: string;
  payload: string;
  ack(): void;
  fail(err: Error): void;
}

/** A connection whose PUBACKs the test gives, in any order. */
function fakeConnection(): UpstreamConnection & { sent: Sent[]; lose(): void } {
  const lost = new AbortController();
  const sent: Sent[] = [];
  return {
    sent,
    closed: lost.signal,
    lose: () => {
      lost.abort(new Error('connection lost'));
      for (const s of sent) s.fail(new Error('connection closed'));
    },
    publish: (topic, payload) =>
      new Promise((resolve, reject) => {
        if (lost.signal.aborted) return reject(new Error('closed'));
        sent.push({ topic, payload, ack: () => resolve(), fail: reject });
      }),
    subscribe: () => Promise.resolve([]),
    onMessage: () => undefined,
    end: async () => lost.abort(new Error('ended')),
  };
}

function setup(cursor: FakeCursor, maxInflight = 10, batchReadings = 500) {
  const acked: number[] = [];
  const advanceErrors: unknown[] = [];
  const forwarder = createForwarder({
    cursor,
    advancer: createCursorAdvancer(cursor, (err) => advanceErrors.push(err)),
    maxInflight,
    catalogue,
    batchReadings,
    onSkip: () => undefined,
    events: { acknowledged: (m) => void acked.push(m.readings), readFailed: () => undefined },
    now: () => Date.now(),
    pause: (ms, signal) => wait(ms, asyncScheduler, signal),
  });
  return { forwarder, acked, advanceErrors };
}

/** Lets every pending promise chain run (the fake cursor and connection settle in microtasks). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};
const values = (s: Sent): number[] => (JSON.parse(s.payload) as { readings: Array<{ value: number }> }).readings.map((r) => r.value);
const offsetAfter = (lines: string[], n: number): number =>
  Buffer.byteLength(
    lines
      .slice(0, n)
      .map((l) => `${l}\n`)
      .join(''),
  );

describe('relay: forwarding from the cursor', () => {
  const stops: AbortController[] = [];
  afterEach(() => stops.splice(0).forEach((s) => s.abort()));
  const stopper = (): AbortSignal => {
    const s = new AbortController();
    stops.push(s);
    return s.signal;
  };

  it('advances only over the acknowledged prefix, whatever order the PUBACKs come in', async () => {
    const cursor = createFakeCursor();
    // Alternating stations: each line is a message of its own.
    const lines = [1, 2, 3, 4].map((i) => readingLine(i % 2 ? 'ST-ONE' : 'ST-TWO', 'SO2', i, i));
    cursor.append(lines);
    const { forwarder } = setup(cursor);
    const conn = fakeConnection();
    void forwarder.run(conn, stopper());
    await vi.waitFor(() => expect(conn.sent).toHaveLength(4), { timeout: 2000, interval: 5 });
    expect(conn.sent.map(values)).toEqual([[1], [2], [3], [4]]);

    conn.sent[2]!.ack();
    conn.sent[1]!.ack();
    await settle();
    expect(cursor.advances).toEqual([]); // the first is not acknowledged: nothing may be passed
    conn.sent[0]!.ack();
    await vi.waitFor(() => expect(cursor.position).toBe(offsetAfter(lines, 3)), { timeout: 2000, interval: 5 });
    conn.sent[3]!.ack();
    await vi.waitFor(() => expect(cursor.position).toBe(offsetAfter(lines, 4)), { timeout: 2000, interval: 5 });
    expect(cursor.advances.reduce((n, a) => n + a.lines, 0)).toBe(4);
    expect(cursor.backlog().points).toBe(0);
  });

  it('keeps at most maxInflight messages unacknowledged, and follows the cursor as lines are committed', async () => {
    const cursor = createFakeCursor();
    const { forwarder } = setup(cursor, 2);
    const conn = fakeConnection();
    void forwarder.run(conn, stopper());
    cursor.append([1, 2, 3, 4, 5].map((i) => readingLine(i % 2 ? 'ST-ONE' : 'ST-TWO', 'SO2', i, i)));
    await vi.waitFor(() => expect(conn.sent).toHaveLength(2), { timeout: 2000, interval: 5 });
    await settle();
    expect(conn.sent).toHaveLength(2);
    expect(forwarder.inflight).toBe(2);
    conn.sent[1]!.ack();
    await vi.waitFor(() => expect(conn.sent).toHaveLength(3), { timeout: 2000, interval: 5 });
    conn.sent[0]!.ack();
    await vi.waitFor(() => expect(conn.sent).toHaveLength(4), { timeout: 2000, interval: 5 });
    await settle();
    expect(conn.sent).toHaveLength(4);
    conn.sent[2]!.ack();
    await vi.waitFor(() => expect(conn.sent).toHaveLength(5), { timeout: 2000, interval: 5 });
    conn.sent.slice(3).forEach((s) => s.ack());
    await vi.waitFor(() => expect(cursor.position).toBe(cursor.end), { timeout: 2000, interval: 5 });
    cursor.append([readingLine('ST-ONE', 'SO2', 6, 6)]);
    await vi.waitFor(() => expect(conn.sent).toHaveLength(6), { timeout: 2000, interval: 5 });
  });

  it('after a lost connection resumes from the position: what was not acknowledged is sent again, nothing is skipped', async () => {
    const cursor = createFakeCursor();
    const lines = [1, 2, 3].map((i) => readingLine(i % 2 ? 'ST-ONE' : 'ST-TWO', 'SO2', i, i));
    cursor.append(lines);
    const { forwarder, acked } = setup(cursor);
    const first = fakeConnection();
    const run1 = forwarder.run(first, stopper());
    await vi.waitFor(() => expect(first.sent).toHaveLength(3), { timeout: 2000, interval: 5 });
    first.sent[0]!.ack();
    await vi.waitFor(() => expect(cursor.position).toBe(offsetAfter(lines, 1)), { timeout: 2000, interval: 5 });
    first.sent[2]!.ack(); // acknowledged, but after an unacknowledged one: not passed
    first.lose();
    await run1;
    first.sent[1]!.ack(); // a late PUBACK of the dead connection changes nothing
    await settle();
    expect(cursor.position).toBe(offsetAfter(lines, 1));

    const second = fakeConnection();
    void forwarder.run(second, stopper());
    await vi.waitFor(() => expect(second.sent).toHaveLength(2), { timeout: 2000, interval: 5 });
    expect(second.sent.map(values)).toEqual([[2], [3]]);
    second.sent.forEach((s) => s.ack());
    await vi.waitFor(() => expect(cursor.position).toBe(cursor.end), { timeout: 2000, interval: 5 });
    expect(cursor.advances.reduce((n, a) => n + a.lines, 0)).toBe(3);
    expect(acked.length).toBeGreaterThanOrEqual(3);
  });

  it('a failed advance is merged into the next one, so no line goes uncounted', async () => {
    const cursor = createFakeCursor();
    const lines = [1, 2].map((i) => readingLine(i % 2 ? 'ST-ONE' : 'ST-TWO', 'SO2', i, i));
    cursor.append(lines);
    cursor.failAdvances(1);
    const { forwarder, advanceErrors } = setup(cursor);
    const conn = fakeConnection();
    void forwarder.run(conn, stopper());
    await vi.waitFor(() => expect(conn.sent).toHaveLength(2), { timeout: 2000, interval: 5 });
    conn.sent[0]!.ack();
    await vi.waitFor(() => expect(advanceErrors).toHaveLength(1), { timeout: 2000, interval: 5 });
    expect(cursor.position).toBe(0);
    conn.sent[1]!.ack();
    await vi.waitFor(() => expect(cursor.position).toBe(cursor.end), { timeout: 2000, interval: 5 });
    expect(cursor.advances).toEqual([{ to: cursor.end, lines: 2 }]);
  });

  it('on stop waits for the PUBACKs in flight, then returns', async () => {
    const cursor = createFakeCursor();
    cursor.append([readingLine('ST-ONE', 'SO2', 1, 1)]);
    const { forwarder } = setup(cursor);
    const conn = fakeConnection();
    const stop = new AbortController();
    let done = false;
    const run = forwarder.run(conn, stop.signal, 5000).then(() => (done = true));
    await vi.waitFor(() => expect(conn.sent).toHaveLength(1), { timeout: 2000, interval: 5 });
    stop.abort();
    await settle();
    expect(done).toBe(false);
    conn.sent[0]!.ack();
    await run;
    expect(cursor.position).toBe(cursor.end);
  });
});
