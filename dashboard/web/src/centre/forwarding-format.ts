import { formatFixed } from '../number-format.js';

/** A link is late when its oldest reading not yet acknowledged is older than this (docs/PROTOCOL.md, "Between centres"). */
export const LATE_AFTER_MS = 60_000;

/** This centre's own upstream link (GET /api/relay/upstream). */
export interface UpstreamLink {
  upstream: string;
  connected: boolean;
  since?: number;
  lastError?: string;
  backlogBytes: number;
  backlogPoints: number;
  lagMs: number;
  forwardedReadings: number;
}

/** A province centre forwarding here (GET /api/relays). */
export interface RelayRow {
  account: string;
  connected: boolean;
  lagMs: number;
  backlogPoints: number;
  backlogBytes: number;
  seenAt: number;
  /** Its stations in the user's scope. */
  stations: number;
}

/** A lag as people say it: `850 ms`, `42 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`. */
export function formatLag(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

export const isLate = (lagMs: number): boolean => lagMs > LATE_AFTER_MS;

/** Bytes as MB with one decimal. */
export const megabytes = (bytes: number): string => formatFixed(bytes / 1_048_576, 1);
