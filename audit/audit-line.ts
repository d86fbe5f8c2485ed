import type { AuditEntry } from '../core/index.js';

/**
 * One audit entry as stored: a whitelisted, bounded shape (docs/SECURITY.md, "Audit log"). The
 * line is JSON.stringify of this shape and nothing else, so user-supplied text (a name with a
 * newline, a note that looks like `{"action":...}`) stays inside its string and never makes a
 * second line.
 */
export interface AuditRecord {
  /** ISO 8601, UTC, of when the entry was recorded. */
  time: string;
  action: string;
  user?: string;
  address?: string;
  target?: string;
  outcome?: 'ok' | 'refused' | 'failed';
  detail?: Record<string, string | number | boolean>;
}

/** The longest string kept in a field (longer ones end with "…"). */
export const MAX_TEXT = 256;
/** Detail keys kept, at most. */
export const MAX_DETAIL_KEYS = 20;
const MAX_KEY = 64;
const OUTCOMES = new Set(['ok', 'refused', 'failed']);

// C0 and C1 controls, DEL, and the two Unicode line separators: each becomes U+FFFD, so no
// reader (a terminal, an editor, a line splitter other than ours) sees a break or an escape.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `value` as bounded, printable text: controls replaced, at most `max` UTF-16 units, never half a surrogate pair. */
export function cleanText(value: string, max = MAX_TEXT): string {
  let text = value.length > max ? value.slice(0, max - 1) : value;
  const last = text.charCodeAt(text.length - 1);
  if (value.length > max && last >= 0xd800 && last <= 0xdbff) text = text.slice(0, -1);
  text = text.replace(CONTROL, '\ufffd');
  return value.length > max ? `${text}…` : text;
}

const optionalText = (value: unknown, max = MAX_TEXT): string | undefined =>
  typeof value === 'string' ? cleanText(value, max) : value === undefined || value === null ? undefined : cleanText(String(value), max);

/** The detail's kept keys: string (cleaned), finite number or boolean values, the first MAX_DETAIL_KEYS. */
function cleanDetail(detail: unknown): AuditRecord['detail'] {
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return undefined;
  const kept: Array<[string, string | number | boolean]> = [];
  for (const [key, value] of Object.entries(detail as Record<string, unknown>)) {
    if (kept.length >= MAX_DETAIL_KEYS) break;
    if (typeof value === 'string') kept.push([cleanText(key, MAX_KEY), cleanText(value)]);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
      kept.push([cleanText(key, MAX_KEY), value]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** The stored shape of `entry` recorded at `now` (epoch ms): only AuditEntry's fields, each bounded. */
export function toRecord(entry: AuditEntry, now: number): AuditRecord {
  const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<Record<keyof AuditEntry, unknown>>;
  const record: AuditRecord = { time: new Date(now).toISOString(), action: optionalText(e.action, MAX_KEY) || 'unknown' };
  const user = optionalText(e.user);
  const address = optionalText(e.address);
  const target = optionalText(e.target);
  const detail = cleanDetail(e.detail);
  if (user !== undefined) record.user = user;
  if (address !== undefined) record.address = address;
  if (target !== undefined) record.target = target;
  if (typeof e.outcome === 'string' && OUTCOMES.has(e.outcome)) record.outcome = e.outcome as AuditRecord['outcome'];
  if (detail !== undefined) record.detail = detail;
  return record;
}

/** One line of an audit file, with its newline. */
export function auditLine(record: AuditRecord): string {
  return `${JSON.stringify(record)}\n`;
}

const isText = (v: unknown): boolean => v === undefined || typeof v === 'string';

/** A stored line back as a record; undefined for a line that is not one (a torn tail after a power cut). */
export function parseAuditLine(line: string): AuditRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.time !== 'string' || !Number.isFinite(Date.parse(r.time)) || typeof r.action !== 'string') return undefined;
  if (!isText(r.user) || !isText(r.address) || !isText(r.target) || !(r.outcome === undefined || OUTCOMES.has(r.outcome as string)))
    return undefined;
  if (r.detail !== undefined && (typeof r.detail !== 'object' || r.detail === null || Array.isArray(r.detail))) return undefined;
  return r as unknown as AuditRecord;
}
