import WebSocket from 'ws';
import type { LiveFrame, Reading } from '../../core/index.js';

export interface LiveClient {
  readonly readings: Reading[];
  readonly frames: LiveFrame[];
  readonly opened: Promise<void>;
  close(): void;
}

/** A WebSocket client of the dashboard's live protocol that records every reading it is sent. */
export function connectLive(url: string, headers: Record<string, string> = {}): LiveClient {
  const ws = new WebSocket(url, { headers });
  const readings: Reading[] = [];
  const frames: LiveFrame[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as LiveFrame;
    frames.push(frame);
    if (frame.type === 'readings') readings.push(...frame.readings);
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return { readings, frames, opened, close: () => ws.terminate() };
}
