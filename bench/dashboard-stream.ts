/**
 * The live stream as one client gets it (bench/dashboard.ts, part 1): bytes and frames a
 * second after the snapshot, in one encoding, over a logged-in WebSocket.
 */
import WebSocket from 'ws';
import { systemScheduler, wait, type SchedulerLike } from '../platform/index.js';

/** One client's figures; the bar is docs/PERFORMANCE.md's 300 KB/s a client. */
export interface StreamFigure {
  bytesPerS: number;
  kbPerS: number;
  framesPerS: number;
  snapshotBytes: number;
  barKbPerS: number;
}

export interface StreamMeasureOptions {
  dashboardUrl: string;
  /** The session cookie and the Origin. */
  headers: Record<string, string>;
  format: 'binary' | 'compact';
  seconds: number;
  /** Readings the load has emitted so far, to give the rate while the client counted. */
  emitted: () => number;
  log: (msg: string) => void;
  scheduler?: SchedulerLike;
}

/** Connects, lets 2 s pass after the snapshot, counts for `seconds`; the client's figures and the readings/s emitted meanwhile. */
export async function measureLiveStream(o: StreamMeasureOptions): Promise<{ figure: StreamFigure; readingsPerS: number }> {
  const scheduler = o.scheduler ?? systemScheduler;
  const ws = new WebSocket(`${o.dashboardUrl.replace('http', 'ws')}/ws?format=${o.format}`, { headers: o.headers });
  const figure = { bytes: 0, frames: 0, snapshotBytes: 0 };
  let counting = false;
  ws.on('message', (data: Buffer) => {
    if (figure.snapshotBytes === 0) figure.snapshotBytes = data.length;
    else if (counting) {
      figure.bytes += data.length;
      figure.frames += 1;
    }
  });
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  await wait(2000, scheduler);
  o.log(`measuring the live stream (${o.format}) for ${o.seconds} s`);
  const emittedBefore = o.emitted();
  counting = true;
  const t0 = scheduler.now();
  await wait(o.seconds * 1000, scheduler);
  counting = false;
  const wsSeconds = (scheduler.now() - t0) / 1000;
  const readingsPerS = (o.emitted() - emittedBefore) / wsSeconds;
  ws.terminate();
  return {
    figure: {
      bytesPerS: Math.round(figure.bytes / wsSeconds),
      kbPerS: Math.round(figure.bytes / wsSeconds / 1000),
      framesPerS: Number((figure.frames / wsSeconds).toFixed(2)),
      snapshotBytes: figure.snapshotBytes,
      barKbPerS: 300,
    },
    readingsPerS,
  };
}
