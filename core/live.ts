import type { Reading } from './reading.js';

/**
 * The dashboard's live protocol over the WebSocket at `/ws` (server -> browser, JSON text
 * frames). On connect the server sends one `snapshot`; then `readings` deltas, at most a
 * few frames a second. A client that falls behind may be sent a fresh `snapshot` instead of
 * the deltas it missed, so a client must treat every snapshot as a full replacement.
 */
export type LiveFrame =
  | { type: 'snapshot'; serverTime: number; latest: Reading[] }
  | { type: 'readings'; serverTime: number; readings: Reading[] };

/** `GET /api/stations`: what the page needs to lay out its table. */
export interface StationSummary {
  id: string;
  name: string;
  kind: 'wastewater' | 'stack';
  zoneId: string;
  zoneName: string;
  province: string;
  facilityName: string;
  lat: number;
  lon: number;
  parameters: Array<{ parameter: string; unit: string; max?: number; min?: number }>;
}
