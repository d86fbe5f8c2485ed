import type { Catalogue, Station } from '../core/index.js';
import { LOCAL_OFFSET_MS, localIso } from '../platform/index.js';

/** What a legacy file's name says: `<PREFIX>_<yyyyMMddHHmmss>.txt` (docs/DOMAIN.md, "Legacy file format"). */
export interface LegacyFileName {
  station: Station;
  /** The prefix that matched (the station's `legacyPrefix`, or its id). */
  prefix: string;
  /** The cycle time in the name, local time (UTC+7) digits. */
  stamp: string;
}

export type NameMatch = { ok: true; name: LegacyFileName } | { ok: false; code: 'bad_name' | 'no_station'; message: string };

const NAME = /^(.+)_(\d{14})\.txt$/i;

/**
 * Finds the station of a file from its name. "The exact prefix of the file name varies by
 * province: accept any prefix" (docs/DOMAIN.md): the part before `_<14 digits>.txt` must end with a
 * known prefix (a station's `legacyPrefix`, else its id), on a separator boundary; the longest
 * known prefix wins, so `BN_YP_F004_NT` finds `YP_F004_NT` even when `F004_NT` is known too.
 * Case-insensitive: some FTP servers upper- or lower-case names.
 */
export function createNameMatcher(catalogue: Catalogue): (fileName: string) => NameMatch {
  const prefixes = catalogue.stations
    .map((station) => ({ station, prefix: station.legacyPrefix ?? station.id, upper: (station.legacyPrefix ?? station.id).toUpperCase() }))
    .sort((a, b) => b.upper.length - a.upper.length);
  return (fileName) => {
    const m = NAME.exec(fileName);
    if (!m) return { ok: false, code: 'bad_name', message: `file name "${fileName}" is not <PREFIX>_<yyyyMMddHHmmss>.txt` };
    // An impossible time (2026-11-31, hour 24) would roll over into another day's archive folder.
    if (localStampToIso(m[2]!) === undefined)
      return { ok: false, code: 'bad_name', message: `file name "${fileName}": ${impossibleStamp(m[2]!)}` };
    const stem = m[1]!.toUpperCase();
    for (const p of prefixes) {
      if (stem === p.upper || (stem.endsWith(p.upper) && /[_\-. ]/.test(stem[stem.length - p.upper.length - 1]!))) {
        return { ok: true, name: { station: p.station, prefix: p.prefix, stamp: m[2]! } };
      }
    }
    return {
      ok: false,
      code: 'no_station',
      message: `no station of the catalogue has a legacy prefix that "${m[1]}" ends with (set the station's legacyPrefix in the catalogue)`,
    };
  };
}

/** `yyyyMMddHHmmss` in local time (UTC+7) to RFC 3339 with the offset; undefined when not a real time. */
export function localStampToIso(stamp: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (
    probe.getUTCFullYear() !== y ||
    probe.getUTCMonth() !== mo - 1 ||
    probe.getUTCDate() !== d ||
    probe.getUTCHours() !== h ||
    probe.getUTCMinutes() !== mi ||
    probe.getUTCSeconds() !== s
  )
    return undefined;
  // The digits are local time: the instant is 7 h earlier, written back at the same offset.
  return localIso(probe.getTime() - LOCAL_OFFSET_MS);
}

/** Why 14 digits are not a time: `20261131081500 is not a real local time (2026-11-31 08:15:00 does not exist)`. */
export function impossibleStamp(stamp: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp);
  if (!m) return `"${stamp.slice(0, 40)}" is not a local time yyyyMMddHHmmss`;
  const [y, mo, d, h, mi, s] = m.slice(1) as [string, string, string, string, string, string];
  return `${stamp} is not a real local time (${y}-${mo}-${d} ${h}:${mi}:${s} does not exist)`;
}
