import type { Alert, StationSummary } from '../../../core/index.js';
import { limitLevel } from './limit-level.js';
import type { StationLatest } from './live/latest-store.js';

/** A station's state on the overview, by colour and by text (docs/DOMAIN.md, "What the receiving centre must do"). */
export type StationState = 'critical' | 'interrupted' | 'fault' | 'warning' | 'calibrating' | 'normal';

/** Worst first: the order states are sorted and counted in. */
export const STATE_ORDER: readonly StationState[] = ['critical', 'interrupted', 'fault', 'warning', 'calibrating', 'normal'];

/** Silence floor for "interrupted", like the alerts engine's stale rule: max(3 x interval, this). */
export const STALE_FLOOR_MS = 5 * 60_000;

export interface StationStateInput {
  station: StationSummary;
  latest: StationLatest | undefined;
  /** Open (not resolved) alerts of this station. */
  alerts: readonly Alert[];
  /** From the status topic and will; undefined when not known. */
  online: boolean | undefined;
  /** The centre's clock now, epoch ms. */
  now: number;
}

/**
 * Derives the state from what the page knows: open alerts (the engine's judgement), then
 * presence and silence (interrupted), status codes (02 fault, 01 calibrating, docs/DOMAIN.md "Stations and parameters"),
 * and the latest values against the limits. Critical wins over interrupted so that an
 * exceedance is never hidden by a later dropout; values of an interrupted station are old,
 * so only alerts count then.
 */
export function stationState({ station, latest, alerts, online, now }: StationStateInput): StationState {
  const open = alerts.filter((a) => a.state !== 'resolved');
  const staleAfter = Math.max(3 * (station.intervalS ?? 60) * 1000, STALE_FLOOR_MS);
  const interrupted =
    online === false || latest === undefined || now - latest.lastReceivedAt > staleAfter || open.some((a) => a.rule === 'stale');
  const levelAlert = (sev: 'critical' | 'warning'): boolean =>
    open.some((a) => a.severity === sev && a.rule !== 'stale' && a.rule !== 'sensor_fault');
  if (levelAlert('critical')) return 'critical';
  let breach = false;
  let near = false;
  let fault = open.some((a) => a.rule === 'sensor_fault');
  let calibrating = false;
  if (!interrupted && latest) {
    for (const p of station.parameters) {
      const r = latest.readings.get(p.parameter);
      if (!r) continue;
      if (r.status === '02') fault = true;
      else if (r.status === '01') calibrating = true;
      else if (r.unit === p.unit) {
        const level = limitLevel(r.value, p);
        if (level === 'breach') breach = true;
        else if (level === 'near') near = true;
      }
    }
  }
  if (breach) return 'critical';
  if (interrupted) return 'interrupted';
  if (fault) return 'fault';
  if (near || levelAlert('warning')) return 'warning';
  if (calibrating) return 'calibrating';
  return 'normal';
}
