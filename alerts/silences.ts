import { randomUUID } from 'node:crypto';
import { QuantracError, type Silence } from '../core/index.js';

export interface SilenceInput {
  station: string;
  parameter?: string;
  until: number;
  by: string;
  reason?: string;
}

export interface Silences {
  add(input: SilenceInput, now: number): Silence;
  /** Restores a persisted silence (no validation against the clock beyond expiry). */
  restore(silence: Silence): void;
  /** Whether a maintenance window covers the station (or this parameter of it) now. */
  covers(station: string, parameter: string, now: number): boolean;
  /** Silences still in force, soonest ending first. */
  active(now: number): Silence[];
  /** Drops ended windows; returns them. */
  expire(now: number): Silence[];
}

const MAX_SILENCE_MS = 90 * 86_400_000;

/** Maintenance windows per station or per station parameter; kept per station for O(1) look-ups. */
export function createSilences(knownStation: (id: string) => boolean): Silences {
  const byStation = new Map<string, Silence[]>();
  const put = (s: Silence): void => {
    const list = byStation.get(s.station) ?? [];
    list.push(s);
    byStation.set(s.station, list);
  };
  return {
    add(input, now) {
      if (!knownStation(input.station)) throw new QuantracError('ERR_SILENCE', `unknown station "${input.station}"`);
      if (typeof input.by !== 'string' || input.by.trim() === '')
        throw new QuantracError('ERR_SILENCE', 'a silence needs "by" (who sets it)');
      if (!Number.isFinite(input.until) || input.until <= now) throw new QuantracError('ERR_SILENCE', '"until" must be in the future');
      if (input.until - now > MAX_SILENCE_MS) throw new QuantracError('ERR_SILENCE', 'a maintenance window may last at most 90 days');
      const s: Silence = { id: randomUUID(), station: input.station, from: now, until: input.until, by: input.by.trim() };
      if (input.parameter !== undefined && input.parameter !== '' && input.parameter !== '*') s.parameter = input.parameter;
      if (input.reason !== undefined && input.reason !== '') s.reason = input.reason;
      put(s);
      return s;
    },
    restore(s) {
      if (!byStation.get(s.station)?.some((x) => x.id === s.id)) put(s);
    },
    covers(station, parameter, now) {
      const list = byStation.get(station);
      if (!list) return false;
      // A station-wide alert (parameter "*": stale) is covered only by a station-wide silence.
      return list.some((s) => s.from <= now && now < s.until && (s.parameter === undefined || s.parameter === parameter));
    },
    active(now) {
      return [...byStation.values()]
        .flat()
        .filter((s) => now < s.until)
        .sort((a, b) => a.until - b.until);
    },
    expire(now) {
      const ended: Silence[] = [];
      for (const [station, list] of byStation) {
        const keep = list.filter((s) => now < s.until);
        if (keep.length !== list.length) ended.push(...list.filter((s) => now >= s.until));
        if (keep.length === 0) byStation.delete(station);
        else if (keep.length !== list.length) byStation.set(station, keep);
      }
      return ended;
    },
  };
}
