import type { Alert, AlertEvent, StorageCondition } from './alert.js';
import type { Presence, Reading } from './reading.js';

/**
 * The dashboard's live protocol over the WebSocket at `/ws` (server -> browser: JSON text
 * frames, and binary deltas for `format=binary`; browser -> server: its view). It needs a
 * session cookie and the page's own Origin.
 *
 * Three encodings, chosen by the client in the URL:
 * - `/ws`: compact. A `snap` on connect carries an index of stations and their
 *   parameters, then `delta` frames carry rows of numbers against that index (a
 *   2,000-station country at one message a second stays near 150 KB/s per client).
 *   `decodeLiveRows` (core/live-codec.ts) turns rows back into readings.
 * - `/ws?format=binary` (the page): as compact, except that deltas
 *   of the shared stream are binary messages carrying the same rows (core/live-binary.ts);
 *   a tick with presence changes, and a focused client's frames, stay JSON `delta`s.
 * - `/ws?format=readings` (tools, tests, integrations): `snapshot` and `readings` frames
 *   carrying plain Reading objects.
 * All: deltas at most 4 frames a second, coalesced (they also carry station presence
 * changes); alert events at once (`alert`); the storage condition (`storage`) when it changes;
 * a `beat` when nothing else was sent for 2 s.
 * A client that falls behind is sent a fresh snapshot instead of the frames it missed, so a
 * client must treat every snapshot as a full replacement.
 *
 * Views (browser -> server, `LiveClientMessage`): by default a client gets every station's
 * readings on the shared stream, one frame every 250 ms. A page that shows a few stations
 * (the station page) sends `{"type":"focus","stations":[...]}`: from then on its deltas carry
 * only those stations' readings, sent as soon as they arrive (still at most 4 frames a
 * second: a frame goes at once when the last one is 250 ms old, else when it is), plus every
 * station's `received` at most once a second (alone after 5 s of quiet) so that counts of
 * stations reporting stay right. An empty list returns to the shared stream, starting with a
 * fresh snapshot.
 */
export type LiveFrame =
  | LiveSnapshot
  | { type: 'readings'; serverTime: number; readings: Reading[]; presence?: Presence[] }
  | LiveSnap
  | LiveDelta
  | { type: 'alert'; serverTime: number; event: AlertEvent }
  | { type: 'storage'; serverTime: number; storage: StorageCondition }
  | LiveBeat;

/**
 * Sent to a client that was sent nothing else for a while (2 s by default), so that a page can
 * tell a quiet centre from a lost one: no frame at all for a few seconds means the data shown
 * is no longer live. Clients that do not need it ignore it, like any frame type they do not know.
 */
export interface LiveBeat {
  type: 'beat';
  serverTime: number;
}

/** The `format=readings` snapshot: latest value per series, open alerts, presence, storage. */
export interface LiveSnapshot {
  type: 'snapshot';
  serverTime: number;
  latest: Reading[];
  alerts?: Alert[];
  presence?: Presence[];
  storage?: StorageCondition | null;
}

/**
 * A compact row: `[stationIndex, ts - serverTime, v0, v1, ..., statuses?]`. Values follow the
 * station's parameter order in the snapshot's index (`null`: not in this row; trailing ones
 * are left out). When any status is not `00`, a last string element has one digit per
 * parameter position (`"00200000"`: the third parameter reported status `02`).
 */
export type LiveRow = Array<number | string | null>;

export interface LiveIndex {
  /** Station ids; a row's first number indexes this. */
  stations: string[];
  /** Zone id of each station. */
  zones: string[];
  /** Parameter symbols of each station, in row order. */
  parameters: string[][];
  /** Unit of each station's parameters (readings always arrive in the catalogue's unit). */
  units: string[][];
}

export interface LiveSnap {
  type: 'snap';
  serverTime: number;
  index: LiveIndex;
  rows: LiveRow[];
  /** Per station: how long ago (ms before serverTime) the centre last received a reading; null: never. */
  received: Array<number | null>;
  /** Per station: 1 online, 0 offline, null not known (PROTOCOL.md, status topic and will). */
  online: Array<0 | 1 | null>;
  alerts: Alert[];
  storage: StorageCondition | null;
}

/** Readings received since the last frame; their reception time is the frame's serverTime. */
export interface LiveDelta {
  type: 'delta';
  serverTime: number;
  rows: LiveRow[];
  /** Stations that went online or offline since the last frame. */
  presence?: Presence[];
  /**
   * Focused clients only, at most once a second: per station (the snapshot's index), how long
   * before serverTime the centre last received a reading; null: never.
   */
  received?: Array<number | null>;
}

/** At most this many stations in one focus (a station page needs one; a comparison a few). */
export const MAX_FOCUS_STATIONS = 16;

/** What a client may send on the live socket (text, JSON). Anything else is ignored. */
export type LiveClientMessage = { type: 'focus'; stations: string[] };

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
  /** How often the gateway reports, seconds (staleness: "interrupted"). */
  intervalS?: number;
  /** Its receiving water (docs/DOMAIN.md, "Places"): body id and name, position along it. */
  water?: { body: string; name: string; order: number };
  parameters: Array<{ parameter: string; unit: string; max?: number; min?: number; name?: string; nameVi?: string; regulation?: string }>;
}
