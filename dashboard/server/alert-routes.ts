import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertFilter, AlertsApi, Catalogue, Logger, StationScope } from '../../core/index.js';
import { HttpError, sendJson, systemClock, type Clock } from '../../platform/index.js';
import { acknowledgeMany } from './alert-bulk-ack.js';
import { AckSchema, alertFilterOf, alertIdOf, parseBody, SilenceInputSchema, silenceUntil } from './alert-input.js';
import { methodIs, refusedByScope, requireParameter, requireRole, requireStation, type ApiContext, type ApiRoutes } from './api-context.js';

export interface AlertRoutesOptions {
  alerts?: AlertsApi;
  catalogue: Catalogue;
  log: Logger;
  clock?: Clock;
}

const ACKNOWLEDGE = /^\/api\/alerts\/([^/]+)\/acknowledge$/;
/** The most a list asks the engine for when it filters by scope afterwards (alert-input.ts's largest limit). */
const SCOPED_FETCH = 5000;

/** Whether a scope covers a station id; a country scope covers every one, also the centre's own ("centre") and any added later. */
const sees = (scope: StationScope, station: string): boolean => scope.all || scope.has(station);

/**
 * What a scoped user may see of a list (docs/SECURITY.md, "Access by level"): only items of
 * stations in scope (the centre's own alerts, station "centre", are the country's). The engine
 * is asked for more and the list cut back to the limit, so the filter does not starve it.
 */
async function scopedList<T>(
  scope: StationScope,
  filter: AlertFilter,
  fetch: (f: AlertFilter) => T[] | Promise<T[]>,
  stationOf: (item: T) => string,
): Promise<T[]> {
  if (scope.all) return fetch(filter);
  if (filter.station !== undefined && !scope.has(filter.station)) return [];
  const items = await fetch({ ...filter, limit: SCOPED_FETCH });
  return items.filter((i) => scope.has(stationOf(i))).slice(0, filter.limit ?? SCOPED_FETCH);
}

/** The engine, or a 503 when the centre runs without one. */
function engineOf(options: AlertRoutesOptions): AlertsApi {
  if (!options.alerts) throw new HttpError(503, 'ERR_NO_ALERTS', 'the alerts engine is not running');
  return options.alerts;
}

/** `POST /api/alerts/{id}/acknowledge` (operator); an alert of a station out of scope is "no open alert", as one that does not exist. */
async function acknowledge(options: AlertRoutesOptions, req: IncomingMessage, res: ServerResponse, ctx: ApiContext, encodedId: string) {
  methodIs(req, 'POST');
  requireRole(ctx, 'operator');
  const id = alertIdOf(encodedId);
  const { note } = await parseBody(req, AckSchema);
  const engine = engineOf(options);
  const notFound = new HttpError(404, 'ERR_NO_ALERT', `no open alert "${id}"`);
  // An alert's station is the first part of its id (core/alert.ts).
  if (!sees(ctx.principal.scope, id.split('|')[0]!)) {
    if (engine.open().some((a) => a.id === id)) refusedByScope(ctx, id);
    throw notFound;
  }
  const alert = await engine.acknowledge(id, ctx.principal.user.name, note || undefined);
  if (!alert) throw notFound;
  options.log.info({ alert: id, user: ctx.principal.user.name }, 'alert acknowledged');
  ctx.audit({ action: 'alert_ack', target: id, outcome: 'ok', detail: { station: alert.station } });
  sendJson(res, 200, { alert });
}

/** `POST /api/silences` (operator), for a station in scope (else the 404 of an unknown station). */
async function addSilence(options: AlertRoutesOptions, req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const { catalogue } = options;
  methodIs(req, 'POST');
  requireRole(ctx, 'operator');
  const input = await parseBody(req, SilenceInputSchema);
  requireStation(catalogue, ctx, input.station);
  if (input.parameter !== undefined) requireParameter(catalogue, input.station, input.parameter);
  const until = silenceUntil(input, (options.clock ?? systemClock).now());
  const silence = await engineOf(options).silence({
    station: input.station,
    until,
    by: ctx.principal.user.name,
    ...(input.parameter !== undefined ? { parameter: input.parameter } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
  });
  options.log.info({ station: input.station, parameter: input.parameter, until, user: ctx.principal.user.name }, 'silence added');
  const parameter: Record<string, string> = input.parameter !== undefined ? { parameter: input.parameter } : {};
  ctx.audit({ action: 'silence_add', target: input.station, outcome: 'ok', detail: { silence: silence.id, until, ...parameter } });
  sendJson(res, 201, { silence });
}

/**
 * Alerts over REST: anyone logged in reads open and past alerts and silences of the stations in
 * their scope; acknowledging and silencing need the operator role (checked here, on the server)
 * and are audited. The query and body checks are alert-input.ts.
 */
export function createAlertRoutes(options: AlertRoutesOptions): ApiRoutes {
  return async (req, res, ctx) => {
    const { path, query: q } = ctx;
    const scope = ctx.principal.scope;
    if (path === '/api/alerts') {
      methodIs(req, 'GET', 'HEAD');
      const alerts = await scopedList(
        scope,
        alertFilterOf(q),
        (f) => engineOf(options).open(f),
        (a) => a.station,
      );
      sendJson(res, 200, { alerts });
      return true;
    }
    if (path === '/api/alerts/history') {
      methodIs(req, 'GET', 'HEAD');
      const events = await scopedList(
        scope,
        alertFilterOf(q),
        (f) => engineOf(options).history(f),
        (e) => e.alert.station,
      );
      sendJson(res, 200, { events });
      return true;
    }
    if (path === '/api/alerts/acknowledge') {
      await acknowledgeMany(() => engineOf(options), options.log, req, res, ctx);
      return true;
    }
    const ack = ACKNOWLEDGE.exec(path);
    if (ack) {
      await acknowledge(options, req, res, ctx, ack[1]!);
      return true;
    }
    if (path === '/api/silences') {
      if (req.method === 'GET' || req.method === 'HEAD') {
        sendJson(res, 200, {
          silences: engineOf(options)
            .silences()
            .filter((x) => sees(scope, x.station)),
        });
      } else await addSilence(options, req, res, ctx);
      return true;
    }
    return false;
  };
}
