import type { Observable, Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import type { LiveFrame, Reading } from '../../core/index.js';

export interface LiveHubOptions {
  readings$: Observable<Reading>;
  /** Deltas are coalesced into one frame per client per this interval (at most 4 a second). */
  frameMs?: number;
  /** Past this many buffered readings a client's frame carries only the latest per series. */
  maxFrameReadings?: number;
  /** A client whose socket holds more than this is skipped and resynced with a snapshot. */
  maxBufferedBytes?: number;
  now?: () => number;
}

export interface LiveHub {
  attach(socket: WebSocket): void;
  latest(): Reading[];
  close(): void;
}

interface ClientState {
  socket: WebSocket;
  pending: Reading[];
  needsSnapshot: boolean;
}

const seriesKey = (r: Reading): string => `${r.station}\u0000${r.parameter}`;

/**
 * The WebSocket hub: a snapshot on connect, then coalesced deltas. Each client's queue is
 * bounded: past `maxFrameReadings` it collapses to the latest value per series, and a client
 * whose socket is backed up gets no frames until it drains, then a fresh snapshot.
 */
export function createLiveHub(options: LiveHubOptions): LiveHub {
  const frameMs = options.frameMs ?? 250;
  const maxFrame = options.maxFrameReadings ?? 5000;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const now = options.now ?? Date.now;
  const latest = new Map<string, Reading>();
  const clients = new Set<ClientState>();

  const sub: Subscription = options.readings$.subscribe((r) => {
    const key = seriesKey(r);
    const prev = latest.get(key);
    if (!prev || prev.ts <= r.ts) latest.set(key, r);
    for (const c of clients) {
      if (c.needsSnapshot) continue;
      c.pending.push(r);
      if (c.pending.length > maxFrame) c.pending = collapse(c.pending);
    }
  });

  const send = (c: ClientState, frame: LiveFrame): void => {
    c.socket.send(JSON.stringify(frame));
  };

  const timer = setInterval(() => {
    for (const c of clients) {
      if (c.socket.readyState !== c.socket.OPEN) continue;
      if (c.socket.bufferedAmount > maxBuffered) {
        c.pending = [];
        c.needsSnapshot = true;
        continue;
      }
      if (c.needsSnapshot) {
        c.needsSnapshot = false;
        send(c, { type: 'snapshot', serverTime: now(), latest: [...latest.values()] });
      } else if (c.pending.length > 0) {
        const readings = c.pending;
        c.pending = [];
        send(c, { type: 'readings', serverTime: now(), readings });
      }
    }
  }, frameMs);
  timer.unref();

  return {
    attach(socket) {
      const state: ClientState = { socket, pending: [], needsSnapshot: false };
      clients.add(state);
      send(state, { type: 'snapshot', serverTime: now(), latest: [...latest.values()] });
      socket.on('close', () => clients.delete(state));
      socket.on('error', () => clients.delete(state));
    },
    latest: () => [...latest.values()],
    close() {
      clearInterval(timer);
      sub.unsubscribe();
      for (const c of clients) c.socket.close(1001, 'server shutting down');
      clients.clear();
    },
  };
}

function collapse(readings: Reading[]): Reading[] {
  const last = new Map<string, Reading>();
  for (const r of readings) last.set(seriesKey(r), r);
  return [...last.values()];
}
