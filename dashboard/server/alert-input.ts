import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { AlertRuleSchema, SeveritySchema, type AlertFilter } from '../../core/index.js';
import { DAY_MS, HttpError, readJson } from '../../platform/index.js';
import { choiceParam, decodeSegment, idParam, instantParam, intParam, ParamError } from '../../platform/http/query-params.js';

/** Control characters other than tab, newline and carriage return (C0, DEL and C1). */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/**
 * A person's free text (a note, a reason): newlines and tabs are fine, other control characters
 * are refused with a 400 naming the field. They would reach logs, CSV exports and e-mails;
 * storage neutralises them as well, but the caller should hear about it.
 */
const humanText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !CONTROL.test(s), 'control characters are not allowed');

export const AckSchema = z.object({ note: humanText(1000).optional() });

export const SilenceInputSchema = z.object({
  station: z.string(),
  parameter: z.string().optional(),
  /** Epoch ms; or give durationMin. */
  until: z.number().int().optional(),
  durationMin: z
    .number()
    .positive()
    .max(30 * 24 * 60)
    .optional(),
  reason: humanText(500).optional(),
});
export type SilenceInput = z.infer<typeof SilenceInputSchema>;

/** The body, checked against `schema`; a 400 naming each wrong field (a 413 past `limit` bytes, readJson's 16 KiB by default). */
export async function parseBody<T>(req: IncomingMessage, schema: z.ZodType<T>, limit?: number): Promise<T> {
  const parsed = schema.safeParse(await readJson(req, limit));
  if (!parsed.success) {
    throw new HttpError(400, 'ERR_BAD_BODY', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** When a silence ends: `until`, or `durationMin` from now; in the future and at most 30 days away (else 400). */
export function silenceUntil(input: SilenceInput, now: number): number {
  const until = input.until ?? (input.durationMin !== undefined ? now + input.durationMin * 60_000 : undefined);
  if (until === undefined || until <= now) throw new HttpError(400, 'ERR_BAD_UNTIL', 'give until (epoch ms, in the future) or durationMin');
  if (until - now > 30 * DAY_MS) throw new HttpError(400, 'ERR_BAD_UNTIL', 'a silence lasts at most 30 days');
  return until;
}

/** An alert id (`station|parameter|rule`) from its path segment: printable, at most 200 characters (else 400 ERR_BAD_PARAM). */
export function alertIdOf(encoded: string): string {
  const id = decodeSegment(encoded, 'id');
  if (id.length > 200 || /\p{Cc}/u.test(id)) throw new ParamError('id', 'an alert id: printable, at most 200 characters');
  return id;
}

/**
 * The alert filter of a query string: `station` and `zone` (ids; the centre's own alerts have
 * station "centre", so they are not checked against the catalogue), `severity`, `rule`, `from`
 * and `to` (platform query-params.ts), `limit` (1 to 5000, default 500). A bad value is a 400
 * ERR_BAD_PARAM naming it.
 */
export function alertFilterOf(q: URLSearchParams): AlertFilter {
  const f: AlertFilter = {};
  const station = idParam(q, 'station');
  const zone = idParam(q, 'zone');
  const severity = choiceParam(q, 'severity', SeveritySchema.options);
  const rule = choiceParam(q, 'rule', AlertRuleSchema.options);
  if (station !== undefined) f.station = station;
  if (zone !== undefined) f.zone = zone;
  if (severity !== undefined) f.severity = severity;
  if (rule !== undefined) f.rule = rule;
  const from = instantParam(q, 'from', NaN);
  const to = instantParam(q, 'to', NaN);
  if (!Number.isNaN(from)) f.from = from;
  if (!Number.isNaN(to)) f.to = to;
  f.limit = intParam(q, 'limit', { min: 1, max: 5000 }, 500);
  return f;
}
