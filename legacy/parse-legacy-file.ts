import type { Station } from '../core/index.js';
import { localStampToIso } from './legacy-file-name.js';

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
  errors: LineError[];
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'latin1';
}

const STAMP = /^\d{14}$/;

/**
 * Parses one file of the regulation's format: a line per parameter, `Name Value Unit
 * yyyyMMddHHmmss Status`, TAB-separated (also spaces or semicolons, as some provinces write),
 * times in local time (UTC+7). Tolerates what real files carry: a UTF-8 or UTF-16 byte-order
 * mark, Windows line endings, blank lines, decimal commas, one-digit status codes, a missing unit
 * (pH) or status. Only the shape of a line is judged here; values, units, parameters, statuses and
 * times are passed on as written so admit() rejects them with the same codes as MQTT readings.
 */
export function parseLegacyFile(bytes: Buffer, station: Station): ParsedLegacyFile {
  const { text, encoding } = decode(bytes);
  const out: ParsedLegacyFile = { lines: [], errors: [], encoding };
  const byName = new Map(station.parameters.map((p) => [p.parameter.toLowerCase(), p.parameter]));
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = i + 1;
    const textLine = raw.trim();
    if (textLine === '') return;
    const fields = splitFields(textLine);
    let name: string, value: string, unit: string, stamp: string, status: string;
    if (fields.length === 5) [name, value, unit, stamp, status] = fields as [string, string, string, string, string];
    else if (fields.length === 4 && STAMP.test(fields[2]!))
      [name, value, stamp, status, unit] = [...fields, ''] as [string, string, string, string, string];
    else if (fields.length === 4 && STAMP.test(fields[3]!))
      [name, value, unit, stamp, status] = [...fields, '00'] as [string, string, string, string, string];
    else {
      out.errors.push({
        line,
        text: textLine,
        code: 'bad_line',
        message: `expected 5 fields (name, value, unit, yyyyMMddHHmmss, status), got ${fields.length}`,
      });
      return;
    }
    out.lines.push({
      line,
      text: textLine,
      reading: {
        parameter: byName.get(name.toLowerCase()) ?? name,
        value: parseDecimal(value),
        unit,
        status: /^[012]$/.test(status) ? `0${status}` : status,
        // An impossible time is passed as written: admit() answers bad_timestamp.
        ts: localStampToIso(stamp) ?? stamp,
      },
    });
  });
  return out;
}

function decode(bytes: Buffer): { text: string; encoding: ParsedLegacyFile['encoding'] } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Old Windows loggers write the local code page; parameter names and numbers are ASCII.
    return { text: bytes.toString('latin1'), encoding: 'latin1' };
  }
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

/** A number with a decimal point or comma (`54.2`, `54,2`, `1.234,5`, `1,234.5`); anything else is returned as written. */
export function parseDecimal(text: string): number | string {
  const t = text.replace(/\s+/g, '');
  if (!/^[+-]?[\d.,]*\d[\d.,]*([eE][+-]?\d+)?$/.test(t)) return text;
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  let normal = t;
  if (lastComma >= 0 && lastDot >= 0) normal = lastComma > lastDot ? t.replace(/\./g, '').replace(',', '.') : t.replace(/,/g, '');
  else if (lastComma >= 0) {
    if ((t.match(/,/g) ?? []).length > 1) return text;
    normal = t.replace(',', '.');
  } else if ((t.match(/\./g) ?? []).length > 1) return text;
  const n = Number(normal);
  return Number.isFinite(n) ? n : text;
}
