/**
 * A reader of InfluxDB line protocol, the format of the spool and of the cluster's replicated
 * log (docs/ARCHITECTURE.md, "Durability point", "Cluster mode"); the upstream relay and the
 * cluster's fan-out reader both decode with it: `measurement[,tag=value...] field=value[,field=value...] [timestamp]`. Escapes follow
 * the InfluxDB line protocol reference, as ingest/line-protocol.ts and alerts/event-lines.ts
 * write them: measurement escapes comma and space; tag keys, tag values and field keys escape
 * comma, equals sign, space and backslash; string field values escape double quote and backslash.
 */

export type FieldValue = string | number | boolean;

export interface ParsedLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** The timestamp as written (ms in this spool); undefined when the line has none. */
  ts?: number;
}

/** Thrown inside the parser only; parseLineProtocol turns it into its answer. */
class LineError extends Error {}

const MEASUREMENT_STOPS = ', ';
const KEY_STOPS = ',= ';
const TAG_VALUE_STOPS = ', ';
const ESCAPABLE = ',= \\';

/** Parses one line (no newline); a string answer says why it does not parse. Never throws. */
export function parseLineProtocol(line: string): ParsedLine | string {
  try {
    return parseOrThrow(line);
  } catch (err) {
    if (err instanceof LineError) return err.message;
    throw err;
  }
}

function parseOrThrow(line: string): ParsedLine {
  const cursor = { at: 0 };
  const measurement = readToken(line, cursor, MEASUREMENT_STOPS);
  if (measurement === '') throw new LineError('no measurement');
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  while (line[cursor.at] === ',') {
    cursor.at++;
    const key = readToken(line, cursor, KEY_STOPS);
    expect(line, cursor, '=', `tag ${JSON.stringify(key)} has no value`);
    tags[key] = readToken(line, cursor, TAG_VALUE_STOPS);
  }
  expect(line, cursor, ' ', 'no field set');
  const fields = readFields(line, cursor);
  const rest = line.slice(cursor.at).trim();
  if (rest === '') return { measurement, tags, fields };
  if (!/^-?\d{1,19}$/.test(rest)) throw new LineError(`bad timestamp ${JSON.stringify(rest.slice(0, 40))}`);
  return { measurement, tags, fields, ts: Number(rest) };
}

function readFields(line: string, cursor: { at: number }): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = Object.create(null) as Record<string, FieldValue>;
  for (;;) {
    const key = readToken(line, cursor, KEY_STOPS);
    if (key === '') throw new LineError('empty field key');
    expect(line, cursor, '=', `field ${JSON.stringify(key)} has no value`);
    fields[key] = line[cursor.at] === '"' ? readString(line, cursor) : fieldValue(readToken(line, cursor, ', '));
    if (line[cursor.at] !== ',') return fields;
    cursor.at++;
  }
}

/** Reads up to an unescaped stop character; `\x` stands for x (a backslash before anything else is itself). */
function readToken(line: string, cursor: { at: number }, stops: string): string {
  let out = '';
  let i = cursor.at;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      const next = line[i + 1]!;
      if (ESCAPABLE.includes(next)) {
        out += next;
        i++;
        continue;
      }
    } else if (stops.includes(c)) {
      break;
    }
    out += c;
  }
  cursor.at = i;
  return out;
}

/** A double-quoted string field: `\"` and `\\` are the escapes. */
function readString(line: string, cursor: { at: number }): string {
  let out = '';
  for (let i = cursor.at + 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
      out += line[++i];
    } else if (c === '"') {
      cursor.at = i + 1;
      return out;
    } else {
      out += c;
    }
  }
  throw new LineError('unterminated string field');
}

/** An unquoted field value: integer (`12i`), boolean, or float. */
function fieldValue(raw: string): FieldValue {
  if (/^-?\d+i$/.test(raw)) return Number(raw.slice(0, -1));
  if (/^(t|T|true|True|TRUE)$/.test(raw)) return true;
  if (/^(f|F|false|False|FALSE)$/.test(raw)) return false;
  const n = raw === '' ? NaN : Number(raw);
  if (!Number.isFinite(n)) throw new LineError(`bad field value ${JSON.stringify(raw.slice(0, 40))}`);
  return n;
}

function expect(line: string, cursor: { at: number }, c: string, why: string): void {
  if (line[cursor.at] !== c) throw new LineError(why);
  cursor.at++;
}
