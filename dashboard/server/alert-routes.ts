import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertsApi, Catalogue, Logger } from '../../core/index.js';
import { HttpError, sendJson, systemClock, type Clock } from '../../platform/index.js';
import { AckSchema, alertFilterOf, alertIdOf, parseBody, SilenceInputSchema, silenceUntil } from './alert-input.js';
import { methodIs, requireParameter, requireRole, type ApiContext, type ApiRoutes } from './api-context.js';

export interface AlertRoutesOptions {
  alerts?: AlertsApi;
  catalogue: Catalogue;
  log: Logger;
  clock?: Clock;
}

const ACKNOWLEDGE = /^\/api\/alerts\/([^/]+)\/acknowledge$/;

/**
 * Alerts over REST: anyone logged in reads open and past alerts and silences; acknowledging
 * and silencing need the operator role (checked here, on the server). The query and body
 * checks are alert-input.ts.
 */
export function createAlertRoutes(options: AlertRoutesOptions): ApiRoutes {
  const { catalogue, log } = options;
  const clock = options.clock ?? systemClock;

  const engine = (): AlertsApi => {
    if (!options.alerts) throw new HttpError(503, 'ERR_NO_ALERTS', 'the alerts engine is not running');
    return options.alerts;
  };

  async function acknowledge(req: IncomingMessage, res: ServerResponse, ctx: ApiContext, encodedId: string): Promise<void> {
    methodIs(req, 'POST');
    requireRole(ctx, 'operator');
    const id = alertIdOf(encodedId);
    const { note } = await parseBody(req, AckSchema);
    const alert = await engine().acknowledge(id, ctx.principal.user.name, note || undefined);
    if (!alert) throw new HttpError(404, 'ERR_NO_ALERT', `no open alert "${id}"`);
    log.info({ alert: id, user: ctx.principal.user.name }, 'alert acknowledged');
    sendJson(res, 200, { alert });
  }

  async function addSilence(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
    methodIs(req, 'POST');
    requireRole(ctx, 'operator');
    const input = await parseBody(req, SilenceInputSchema);
    if (!catalogue.station(input.station)) throw new HttpError(404, 'ERR_NO_STATION', `no station "${input.station}"`);
    if (input.parameter !== undefined) requireParameter(catalogue, input.station, input.parameter);
    const until = silenceUntil(input, clock.now());
    const silence = await engine().silence({
      station: input.station,
      until,
      by: ctx.principal.user.name,
      ...(input.parameter !== undefined ? { parameter: input.parameter } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
    });
    log.info({ station: input.station, parameter: input.parameter, until, user: ctx.principal.user.name }, 'silence added');
    sendJson(res, 201, { silence });
  }

  return async (req, res, ctx) => {
    const { path, query: q } = ctx;
    if (path === '/api/alerts') {
      methodIs(req, 'GET', 'HEAD');
      sendJson(res, 200, { alerts: engine().open(alertFilterOf(q)) });
      return true;
    }
    if (path === '/api/alerts/history') {
      methodIs(req, 'GET', 'HEAD');
      sendJson(res, 200, { events: await engine().history(alertFilterOf(q)) });
      return true;
    }
    const ack = ACKNOWLEDGE.exec(path);
    if (ack) {
      await acknowledge(req, res, ctx, ack[1]!);
      return true;
    }
    if (path === '/api/silences') {
      if (req.method === 'GET' || req.method === 'HEAD') sendJson(res, 200, { silences: engine().silences() });
      else await addSilence(req, res, ctx);
      return true;
    }
    return false;
  };
}
