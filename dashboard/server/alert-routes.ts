import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { AlertRuleSchema, SeveritySchema, type AlertFilter, type AlertsApi, type Catalogue, type Logger } from '../../core/index.js';
import { methodIs, parseInstant, requireRole, type ApiContext, type ApiRoutes } from './api-context.js';
import { HttpError, json, readJson } from './http-util.js';

export interface AlertRoutesOptions {
  alerts?: AlertsApi;
  catalogue: Catalogue;
  log: Logger;
  now?: () => number;
}

/**
 * A person's free text (a note, a reason): newlines and tabs are fine, other control characters
 * are refused with a 400 naming the field. They would reach logs, CSV exports and e-mails;
 * storage neutralises them as well, but the caller should hear about it.
 */
const humanText = (max: number) => z.string().trim().max(max).refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(s), 'control characters are not allowed');
const AckSchema = z.object({ note: humanText(1000).optional() });
const SilenceInputSchema = z.object({
  station: z.string(),
  parameter: z.string().optional(),
  /** Epoch ms; or give durationMin. */
  until: z.number().int().optional(),
  durationMin: z.number().positive().max(30 * 24 * 60).optional(),
  reason: humanText(500).optional(),
});

/**
 * Alerts over REST: anyone logged in reads open and past alerts and silences; acknowledging
 * and silencing need the operator role (checked here, on the server).
 */
export function createAlertRoutes(options: AlertRoutesOptions): ApiRoutes {
  const { catalogue, log } = options;
  const now = options.now ?? Date.now;

  const engine = (): AlertsApi => {
    if (!options.alerts) throw new HttpError(503, 'ERR_NO_ALERTS', 'the alerts engine is not running');
    return options.alerts;
  };

  const filterOf = (q: URLSearchParams): AlertFilter => {
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
    if (q.get('to')) f.to = parseInstant(q.get('to'), now(), 'to');
    const limit = Number(q.get('limit') ?? 500);
    f.limit = Number.isSafeInteger(limit) && limit > 0 ? Math.min(limit, 5000) : 500;
    return f;
  };

  const body = async <T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> => {
    const parsed = schema.safeParse(await readJson(req));
    if (!parsed.success) throw new HttpError(400, 'ERR_BAD_BODY', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    return parsed.data;
  };

  return async (req, res, ctx: ApiContext) => {
    const { path, query: q } = ctx;
    if (path === '/api/alerts') {
      methodIs(req, 'GET', 'HEAD');
      json(res, 200, { alerts: engine().open(filterOf(q)) });
      return true;
    }
    if (path === '/api/alerts/history') {
      methodIs(req, 'GET', 'HEAD');
      json(res, 200, { events: await engine().history(filterOf(q)) });
      return true;
    }
    const ack = /^\/api\/alerts\/([^/]+)\/acknowledge$/.exec(path);
    if (ack) {
      methodIs(req, 'POST');
      requireRole(ctx, 'operator');
      const id = decodeURIComponent(ack[1]!);
      const { note } = await body(req, AckSchema);
      const alert = await engine().acknowledge(id, ctx.principal.user.name, note || undefined);
      if (!alert) throw new HttpError(404, 'ERR_NO_ALERT', `no open alert "${id}"`);
      log.info({ alert: id, user: ctx.principal.user.name }, 'alert acknowledged');
      json(res, 200, { alert });
      return true;
    }
    if (path === '/api/silences') {
      if (req.method === 'GET' || req.method === 'HEAD') {
        json(res, 200, { silences: engine().silences() });
        return true;
      }
      methodIs(req, 'POST');
      requireRole(ctx, 'operator');
      const input = await body(req, SilenceInputSchema);
      if (!catalogue.station(input.station)) throw new HttpError(404, 'ERR_NO_STATION', `no station "${input.station}"`);
      if (input.parameter !== undefined && !catalogue.stationParameter(input.station, input.parameter)) {
        throw new HttpError(404, 'ERR_NO_PARAMETER', `${input.station} does not measure "${input.parameter}"`);
      }
      const until = input.until ?? (input.durationMin !== undefined ? now() + input.durationMin * 60_000 : undefined);
      if (until === undefined || until <= now()) throw new HttpError(400, 'ERR_BAD_UNTIL', 'give until (epoch ms, in the future) or durationMin');
      if (until - now() > 30 * 86_400_000) throw new HttpError(400, 'ERR_BAD_UNTIL', 'a silence lasts at most 30 days');
      const silence = await engine().silence({
        station: input.station,
        until,
        by: ctx.principal.user.name,
        ...(input.parameter !== undefined ? { parameter: input.parameter } : {}),
        ...(input.reason ? { reason: input.reason } : {}),
      });
      log.info({ station: input.station, parameter: input.parameter, until, user: ctx.principal.user.name }, 'silence added');
      json(res, 201, { silence });
      return true;
    }
    return false;
  };
}
