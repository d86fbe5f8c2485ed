import { DEFAULT_FOR_S, type ScenarioSpec } from './scenario-schema.js';

export interface ActiveWindow {
  /** Which occurrence (0 unless the scenario repeats with everyS). */
  index: number;
  /** Start and length of this occurrence, ms from the start of the run; length Infinity: open-ended. */
  startMs: number;
  lengthMs: number;
  /** 0 at the start of the window, 1 at its end (0 when open-ended). */
  progress: number;
}

/** The window of a scenario that contains `offsetMs` (ms of measurement time from the run's start), if any. */
export function activeWindow(spec: ScenarioSpec, offsetMs: number): ActiveWindow | undefined {
  const atMs = spec.atS * 1000;
  if (offsetMs < atMs) return undefined;
  const forS = spec.forS ?? DEFAULT_FOR_S[spec.name];
  const lengthMs = forS === undefined ? Infinity : forS * 1000;
  let index = 0;
  let startMs = atMs;
  if (spec.everyS !== undefined) {
    const everyMs = spec.everyS * 1000;
    index = Math.floor((offsetMs - atMs) / everyMs);
    startMs = atMs + index * everyMs;
  }
  const into = offsetMs - startMs;
  if (into >= lengthMs) return undefined;
  return { index, startMs, lengthMs, progress: Number.isFinite(lengthMs) ? into / lengthMs : 0 };
}
