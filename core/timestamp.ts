/** RFC 3339 with a mandatory offset (PROTOCOL.md: "RFC 3339 with an offset, or integer epoch milliseconds"). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses a protocol timestamp to epoch ms; undefined when it is neither form. */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts === 'number') return Number.isSafeInteger(ts) && ts >= 0 ? ts : undefined;
  if (typeof ts !== 'string' || !RFC3339.test(ts)) return undefined;
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? ms : undefined;
}
