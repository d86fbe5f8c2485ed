import type { ServerResponse } from 'node:http';
import { parseLocalDay, parseLocalMonth } from '../time/local-time.js';
import { HttpError } from './http-error.js';
import { sendJson, type ResponseHeaders } from './responses.js';

/**
 * Strict parsing of what a client writes in a URL: query parameters and path segments. Every
 * failure is a `ParamError` (400, code `ERR_BAD_PARAM`, naming the parameter), never an exception
 * that reaches a route as a 500: a typo or a scanner's probe is the client's error, not the
 * centre's. Each helper states the range it accepts; a parameter given twice is refused.
 */

/**
 * The instants a client may name: 1970-01-01 to 2100-01-01 UTC. Beyond them JavaScript dates
 * stop being printable (past +-8.64e15 ms `toISOString` throws) and InfluxDB refuses times
 * outside 1677-2262; no measurement of this centre lies outside.
 */
export const MIN_INSTANT_MS = 0;
export const MAX_INSTANT_MS = Date.UTC(2100, 0, 1);

/** A bad query parameter or path segment: 400 `ERR_BAD_PARAM`, `param` naming it. */
export class ParamError extends HttpError {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(400, 'ERR_BAD_PARAM', `${param}: ${message}`);
    this.name = 'ParamError';
  }
}

/** Answers a ParamError: `{ error, code: 'ERR_BAD_PARAM', param }`. */
export function sendParamError(res: ServerResponse, err: ParamError, headers: ResponseHeaders = {}): void {
  sendJson(res, 400, { error: err.message, code: err.code, param: err.param }, headers);
}

/** The parameter's one value; null when absent or empty; a ParamError when given more than once. */
export function single(q: URLSearchParams, name: string): string | null {
  const [first, ...more] = q.getAll(name);
  if (more.length > 0) throw new ParamError(name, 'given more than once');
  return first === undefined || first === '' ? null : first;
}

const WHOLE = /^-?\d{1,15}$/;

/** A whole number from `min` to `max` (at most 15 digits, so always exact); `fallback` when absent. */
export function intParam(q: URLSearchParams, name: string, range: { min: number; max: number }, fallback: number): number {
  const text = single(q, name);
  if (text === null) return fallback;
  const n = WHOLE.test(text) ? Number(text) : NaN;
  if (!(n >= range.min && n <= range.max)) throw new ParamError(name, `a whole number from ${range.min} to ${range.max}`);
  return n;
}

const EPOCH_MS = /^\d{1,13}$/;
/** RFC 3339 / ISO 8601: a date, or a date and time with optional seconds, fraction and zone. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** An instant given as text (epoch ms or ISO 8601), from MIN_INSTANT_MS to MAX_INSTANT_MS; a ParamError naming `name` otherwise. */
export function instantOf(text: string, name: string): number {
  const n = EPOCH_MS.test(text) ? Number(text) : ISO_8601.test(text) ? Date.parse(text) : NaN;
  if (!(n >= MIN_INSTANT_MS && n <= MAX_INSTANT_MS)) {
    throw new ParamError(name, 'a time as epoch ms or ISO 8601, from 1970-01-01 to 2100-01-01');
  }
  return n;
}

/** `?name=` as an instant (instantOf); `fallback` when absent. */
export function instantParam(q: URLSearchParams, name: string, fallback: number): number {
  const text = single(q, name);
  return text === null ? fallback : instantOf(text, name);
}

/** A catalogue-style id: letters, digits, `_ . , -`, 1-64 characters, starting with a letter or digit (docs/PROTOCOL.md, "Identity"). */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.,-]{0,63}$/;

/** `text` when it has the shape of an id and (with `known`) names one of the catalogue; a ParamError otherwise. */
export function idOf(text: string, name: string, known?: (id: string) => boolean): string {
  if (!ID.test(text)) throw new ParamError(name, 'an id of letters, digits, "_", ".", "," or "-" (at most 64)');
  if (known && !known(text)) throw new ParamError(name, `no "${text}" in the catalogue`);
  return text;
}

/** `?name=` as an id (idOf); undefined when absent. */
export function idParam(q: URLSearchParams, name: string, known?: (id: string) => boolean): string | undefined {
  const text = single(q, name);
  return text === null ? undefined : idOf(text, name, known);
}

/** `?name=` as one of `choices`; `fallback` when absent. */
export function choiceParam<T extends string>(q: URLSearchParams, name: string, choices: readonly T[], fallback: T): T;
export function choiceParam<T extends string>(q: URLSearchParams, name: string, choices: readonly T[]): T | undefined;
export function choiceParam<T extends string>(q: URLSearchParams, name: string, choices: readonly T[], fallback?: T): T | undefined {
  const text = single(q, name);
  if (text === null) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw new ParamError(name, `one of ${choices.join(', ')}`);
  return text as T;
}

/** A local day (YYYY-MM-DD, a real date from 1970 to 2099); a ParamError naming `name` otherwise. */
export function dayOf(text: string, name: string): string {
  const start = parseLocalDay(text);
  if (start === undefined || text < '1970' || text >= '2100') throw new ParamError(name, 'a date as YYYY-MM-DD, from 1970 to 2099');
  return text;
}

/** A local month (YYYY-MM, from 1970 to 2099); a ParamError naming `name` otherwise. */
export function monthOf(text: string, name: string): string {
  if (parseLocalMonth(text) === undefined || text < '1970' || text >= '2100')
    throw new ParamError(name, 'a month as YYYY-MM, from 1970 to 2099');
  return text;
}

/** One path segment, percent-decoded; a ParamError naming `name` when the escapes are malformed. */
export function decodeSegment(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ParamError(name, 'malformed percent-encoding');
  }
}
