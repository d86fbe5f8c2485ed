import WebSocket from 'ws';
import { decodeLiveRows, type AlertEvent, type LiveFrame, type LiveIndex, type Reading } from '../../core/index.js';

export interface LiveClient {
  /** Every reading received in deltas (decoded from compact rows, or as sent with `format=readings`). */
  readonly readings: Reading[];
  /** Latest readings of the last snapshot. */
  readonly snapshot: Reading[];
  readonly alerts: AlertEvent[];
  readonly frames: LiveFrame[];
  /** Bytes of every text frame received. */
  readonly bytes: () => number;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/**
 * A WebSocket client of the dashboard's live protocol (core/live.ts) that records what it is
 * sent. The socket needs a session and the dashboard's Origin: pass `session.headers` from
 * test/helpers/dashboard-session.ts (`loginAs(centre, 'viewer')`). Understands both encodings.
 * `opened` rejects with "upgrade refused: <status>" when the server refuses the upgrade.
 */
export function connectLive(url: string, headers: Record<string, string> = {}): LiveClient {
  const ws = new WebSocket(url, { headers });
  const readings: Reading[] = [];
  const snapshot: Reading[] = [];
  const alerts: AlertEvent[] = [];
  const frames: LiveFrame[] = [];
  let bytes = 0;
  let index: LiveIndex | undefined;
  ws.on('message', (data) => {
    const text = String(data);
    bytes += Buffer.byteLength(text);
    const frame = JSON.parse(text) as LiveFrame;
    frames.push(frame);
    if (frame.type === 'readings') readings.push(...frame.readings);
    else if (frame.type === 'snapshot') snapshot.splice(0, snapshot.length, ...frame.latest);
    else if (frame.type === 'snap') {
      index = frame.index;
      snapshot.splice(
        0,
        snapshot.length,
        ...decodeLiveRows(frame.index, frame.rows, frame.serverTime, (si) => frame.serverTime - (frame.received[si] ?? 0)),
      );
    } else if (frame.type === 'delta' && index) readings.push(...decodeLiveRows(index, frame.rows, frame.serverTime));
    else if (frame.type === 'alert') alerts.push(frame.event);
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`upgrade refused: ${res.statusCode}`));
      res.resume();
    });
  });
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return { readings, snapshot, alerts, frames, bytes: () => bytes, opened, closed, close: () => ws.terminate() };
}
