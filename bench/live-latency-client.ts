/**
 * Publish-to-dashboard latency (docs/PERFORMANCE.md, "How it is measured", step 3): logged-in
 * WebSocket clients decoding the frames a browser gets. A reading's `ts` is its publish time,
 * so each decoded value gives a latency.
 */
import WebSocket from 'ws';
import { decodeBinaryDelta, type CatalogueFile, type LiveFrame } from '../core/index.js';
import type { CentreProcess } from './centre-process.js';

/** The latencies the clients collect (ms, one per decoded value), and their close. */
export interface DashboardClients {
  /** The client on the overview (every station). */
  overview: number[];
  /** The clients on a station page each. */
  stationPages: number[];
  close(): void;
}

/** One client on the overview and `pages` on a station page each, their stations spread over the catalogue. */
export async function openDashboardClients(centre: CentreProcess, catalogue: CatalogueFile, pages: number): Promise<DashboardClients> {
  const overview: number[] = [];
  const stationPages: number[] = [];
  const focusStations = Array.from(
    { length: pages },
    (_, i) => catalogue.stations[Math.floor(((i + 0.5) * catalogue.stations.length) / pages)]!.id,
  );
  const sockets = await Promise.all([
    liveClient(centre, undefined, overview),
    ...focusStations.map((id) => liveClient(centre, id, stationPages)),
  ]);
  return {
    overview,
    stationPages,
    close() {
      for (const ws of sockets) ws.terminate();
    },
  };
}

/**
 * A logged-in live socket decoding the frames a browser gets (each row is a station's readings
 * at serverTime + row[1]); `focus`: the station page of that station, else the overview.
 */
export async function liveClient(centre: CentreProcess, focus: string | undefined, latencies: number[]): Promise<WebSocket> {
  // Binary deltas, as the page takes them; a focus's frames (and presence ticks) are JSON.
  const ws = new WebSocket(`${centre.dashboardUrl.replace('http', 'ws')}/ws?format=binary`, { headers: centre.wsHeaders });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const now = Date.now();
    const frame = isBinary
      ? { type: 'delta' as const, ...(decodeBinaryDelta(data) ?? { serverTime: 0, rows: [] }) }
      : (JSON.parse(String(data)) as LiveFrame);
    if (frame.type !== 'delta') return;
    for (const row of frame.rows) {
      const latency = now - (frame.serverTime + (row[1] as number));
      for (let i = 2; i < row.length; i++) if (typeof row[i] === 'number') latencies.push(latency);
    }
  });
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  if (focus !== undefined) ws.send(JSON.stringify({ type: 'focus', stations: [focus] }));
  return ws;
}
