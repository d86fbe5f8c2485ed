import type { Reading } from '../core/index.js';

// Escaping per the InfluxDB line protocol reference: tag keys and values escape comma,
// equals sign, space and backslash; a newline cannot be escaped, so it becomes a space.
const NEEDS_ESCAPE = /[,= \\\n\r]/;
const ESCAPE_ALL = /[,= \\\n\r]/g;

export function escapeTag(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(ESCAPE_ALL, (c) => (c === '\n' || c === '\r' ? '\\ ' : `\\${c}`));
}

/**
 * One reading as a line of the `reading` measurement (docs/ARCHITECTURE.md, "Schema"): tags in
 * key order (InfluxDB sorts them anyway; sorted input saves it the work), ms timestamp.
 * The point's identity is station + zone + parameter + status + ts, so a replay stores it once.
 * Integral values carry no `i` suffix, so InfluxDB stores every value as a float.
 */
export function encodeReading(r: Reading): string {
  return `reading,parameter=${escapeTag(r.parameter)},station=${escapeTag(r.station)},status=${escapeTag(r.status)},zone=${escapeTag(r.zone)} value=${r.value} ${r.ts}`;
}

/**
 * encodeReading with the tag part kept per series and status: the catalogue bounds how many
 * there are, and ingest encodes every accepted reading, so the escaping is done once per series.
 * The cache holds at most `maxEntries` (past that it starts afresh).
 */
export function createReadingEncoder(maxEntries = 200_000): (r: Reading) => string {
  let prefixes = new Map<string, Map<string, string>>();
  let size = 0;
  return (r) => {
    let byStation = prefixes.get(r.station);
    if (!byStation) {
      if (size >= maxEntries) {
        prefixes = new Map();
        size = 0;
      }
      prefixes.set(r.station, (byStation = new Map()));
    }
    // Parameter and status, which never holds the separator (validated as 00/01/02).
    const key = r.status === '00' ? r.parameter : `${r.parameter}\u0000${r.status}`;
    let prefix = byStation.get(key);
    if (prefix === undefined) {
      prefix = `reading,parameter=${escapeTag(r.parameter)},station=${escapeTag(r.station)},status=${escapeTag(r.status)},zone=${escapeTag(r.zone)} value=`;
      byStation.set(key, prefix);
      size++;
    }
    return `${prefix}${r.value} ${r.ts}`;
  };
}
