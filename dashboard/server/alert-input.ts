import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { AlertRuleSchema, SeveritySchema, type AlertFilter } from '../../core/index.js';
import { DAY_MS, HttpError, readJson, type Clock } from '../../platform/index.js';
import { parseInstant } from './api-context.js';

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

/** The body, checked against `schema`; a 400 naming each wrong field. */
export async function parseBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await readJson(req));
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

/** The alert filter of a query string (`station`, `zone`, `severity`, `rule`, `from`, `to`, `limit`); a bad value is a 400. */
export function alertFilterOf(q: URLSearchParams, clock: Clock): AlertFilter {
  const f: AlertFilter = {};
  const station = q.get('station');
  const zone = q.get('zone');
  const severity = q.get('severity');
  const rule = q.get('rule');
  if (station) f.station = station;
  if (zone) f.zone = zone;
  if (severity) {
    const parsed = SeveritySchema.safeParse(severity);
    if (!parsed.success) throw new HttpError(400, 'ERR_BAD_SEVERITY', 'severity: warning or critical');
    f.severity = parsed.data;
  }
  if (rule) {
    const parsed = AlertRuleSchema.safeParse(rule);
    if (!parsed.success) throw new HttpError(400, 'ERR_BAD_RULE', `rule: one of ${AlertRuleSchema.options.join(', ')}`);
    f.rule = parsed.data;
  }
  if (q.get('from')) f.from = parseInstant(q.get('from'), 0, 'from');
  if (q.get('to')) f.to = parseInstant(q.get('to'), clock.now(), 'to');
  const limit = Number(q.get('limit') ?? 500);
  f.limit = Number.isSafeInteger(limit) && limit > 0 ? Math.min(limit, 5000) : 500;
  return f;
}
