import type { Station } from '../core/index.js';
import { decodeLegacyText, linesOf, type LegacyEncoding } from './decode-text.js';
import { impossibleStamp, localStampToIso } from './legacy-file-name.js';
import { parseDecimal } from './parse-decimal.js';

/** A reading as the file gave it, shaped as a readings-message entry; admit() judges it. */
export interface LegacyReading {
  parameter: string;
  value: number | string;
  unit: string;
  status: string;
  ts: string;
}

export interface LegacyLine {
  line: number;
  /** The line as written, cut to QUOTE_CHARS for the reasons that quote it. */
  text: string;
  reading: LegacyReading;
}

export interface LineError {
  line: number;
  text: string;
  code: string;
  message: string;
}

export interface ParsedLegacyFile {
  lines: LegacyLine[];
  /** At most `maxBadLines` of them. */
  errors: LineError[];
  encoding: LegacyEncoding;
  /**
   * Set when more than `maxBadLines` lines were not readings: the line where parsing stopped.
   * Such a file is not a cycle file gone slightly wrong; it is rejected whole (docs/LEGACY.md).
   */
  stoppedAtLine?: number;
}

export interface ParseLimits {
  /** Lines that are not readings tolerated in one file before parsing stops (LEGACY_MAX_BAD_LINES). */
  maxBadLines: number;
}

export const DEFAULT_MAX_BAD_LINES = 100;
/** Longest line read as a reading: a real one is some 40 characters (docs/DOMAIN.md, "Legacy file format"). */
export const MAX_LINE_CHARS = 1000;
/** How much of a line a reason quotes, so a reason file stays small whatever the lines. */
export const QUOTE_CHARS = 120;

const STAMP = /^\d{14}$/;

/** The five fields of a reading line, or why the line is not one. */
type Fields = [name: string, value: string, unit: string, stamp: string, status: string];

/**
 * Parses one file of the regulation's format: a line per parameter, `Name Value Unit
 * yyyyMMddHHmmss Status`, TAB-separated (also spaces or semicolons, as some provinces write),
 * times in local time (UTC+7). Tolerates what real files carry: a UTF-8 or UTF-16 byte-order
 * mark, Windows line endings, blank lines, decimal commas, one-digit status codes, a missing unit
 * (pH) or status. The shape of a line and its time are judged here (an impossible local time such
 * as 2026-11-31 is refused, never rolled over); values, units, parameters and statuses are passed
 * on as written so admit() rejects them with the same codes as MQTT readings.
 *
 * Bounded whatever the bytes: past `maxBadLines` bad lines it stops (`stoppedAtLine`), and
 * every text it keeps is cut to QUOTE_CHARS. It never throws.
 */
export function parseLegacyFile(bytes: Buffer, station: Station, limits: Partial<ParseLimits> = {}): ParsedLegacyFile {
  const maxBadLines = limits.maxBadLines ?? DEFAULT_MAX_BAD_LINES;
  const { text, encoding } = decodeLegacyText(bytes);
  const out: ParsedLegacyFile = { lines: [], errors: [], encoding };
  const byName = new Map(station.parameters.map((p) => [p.parameter.toLowerCase(), p.parameter]));
  let line = 0;
  for (const raw of linesOf(text)) {
    line++;
    const parsed = parseLine(raw, byName);
    if (parsed === undefined) continue;
    if ('reading' in parsed) {
      out.lines.push({ line, text: quote(raw.trim()), reading: parsed.reading });
      continue;
    }
    if (out.errors.length >= maxBadLines) {
      out.stoppedAtLine = line;
      break;
    }
    out.errors.push({ line, text: quote(raw.trim()), code: parsed.code, message: parsed.message });
  }
  return out;
}

/** One line: undefined when blank, its reading, or why it is not one. */
function parseLine(raw: string, byName: Map<string, string>): { reading: LegacyReading } | { code: string; message: string } | undefined {
  if (raw.length > MAX_LINE_CHARS) return { code: 'bad_line', message: `longer than ${MAX_LINE_CHARS} characters: not a reading` };
  const textLine = raw.trim();
  if (textLine === '') return undefined;
  const fields = shape(splitFields(textLine));
  if (!Array.isArray(fields)) return { code: 'bad_line', message: fields.message };
  const [name, value, unit, stamp, status] = fields;
  if (!STAMP.test(stamp)) return { code: 'bad_timestamp', message: `"${quote(stamp)}" is not a local time yyyyMMddHHmmss` };
  const ts = localStampToIso(stamp);
  if (ts === undefined) return { code: 'bad_timestamp', message: impossibleStamp(stamp) };
  return {
    reading: {
      parameter: byName.get(name.toLowerCase()) ?? name,
      value: parseDecimal(value),
      unit,
      status: /^[012]$/.test(status) ? `0${status}` : status,
      ts,
    },
  };
}

/** Five fields; four with the unit (pH) or the status (`00`) left out; anything else is not a reading. */
function shape(fields: string[]): Fields | { message: string } {
  if (fields.length === 5) return fields as Fields;
  if (fields.length === 4 && STAMP.test(fields[2]!)) return [fields[0]!, fields[1]!, '', fields[2]!, fields[3]!];
  if (fields.length === 4 && STAMP.test(fields[3]!)) return [...fields, '00'] as Fields;
  return { message: `expected 5 fields (name, value, unit, yyyyMMddHHmmss, status), got ${fields.length}` };
}

function splitFields(line: string): string[] {
  let fields: string[];
  if (line.includes('\t')) fields = line.split('\t');
  else if (line.includes(';')) fields = line.split(';');
  else fields = line.split(/\s+/);
  fields = fields.map((f) => f.trim());
  while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields;
}

/** A text cut to QUOTE_CHARS, marked when cut. */
export function quote(text: string): string {
  return text.length <= QUOTE_CHARS ? text : `${text.slice(0, QUOTE_CHARS)}... (${text.length} characters)`;
}
