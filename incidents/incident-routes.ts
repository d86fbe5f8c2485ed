import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { IncidentCauseSchema, type AuditLog, type Incident, type IncidentEvent, type Route, type RouteUser } from '../core/index.js';
import {
  HttpError,
  instantParam,
  intParam,
  parseUrl,
  ParamError,
  readJson,
  sendError,
  sendJson,
  sendParamError,
} from '../platform/index.js';
import type { IncidentsService } from './incidents.js';

export const INCIDENTS_PATH = '/api/incidents';
const ACTING = new Set(['operator', 'admin']);
const CloseSchema = z.object({ cause: IncidentCauseSchema, note: z.string().max(2000).optional() }).strict();

/**
 * An incident as a user may see it (docs/SECURITY.md, "Access by level"): visible when one of
 * its members is in scope, with only the members (and timeline entries) in scope; undefined
 * otherwise, answered as if it did not exist.
 */
export function scopedIncident(i: Incident, user: RouteUser): Incident | undefined {
  if (user.scope.all) return i;
  const members = i.members.filter((m) => user.scope.has(m.station));
  if (members.length === 0) return undefined;
  const timeline = i.timeline.filter((t) => t.station === undefined || user.scope.has(t.station));
  return { ...i, members, timeline };
}

/**
 * The incidents' REST routes: `GET /api/incidents` (open), `GET /api/incidents/history[?from&to&limit]`
 * (events, newest first), `GET /api/incidents/{id}`, and for operators `POST /api/incidents/{id}/acknowledge`,
 * `/investigate`, `/close {cause, note?}`, each audited.
 */
export function incidentRoutes(service: IncidentsService, audit?: AuditLog): Route[] {
  const act = async (req: IncomingMessage, res: ServerResponse, user: RouteUser, id: string, action: string): Promise<void> => {
    if (!ACTING.has(user.role)) return sendError(res, 403, 'ERR_FORBIDDEN', 'acting on an incident needs the operator role');
    const current = service.open().find((i) => i.id === id);
    if (!current || !scopedIncident(current, user)) return sendError(res, 404, 'ERR_NOT_FOUND', 'no such open incident');
    let event: IncidentEvent | undefined;
    if (action === 'acknowledge') event = service.acknowledge(id, user.name);
    else if (action === 'investigate') event = service.investigate(id, user.name);
    else {
      const body = CloseSchema.safeParse(await readJson(req));
      if (!body.success)
        return sendError(res, 400, 'ERR_BAD_BODY', `close needs { cause: ${IncidentCauseSchema.options.join('|')}, note? }`);
      event = service.close(id, user.name, body.data.cause, body.data.note);
    }
    if (!event) return sendError(res, 404, 'ERR_NOT_FOUND', 'no such open incident');
    audit?.record({ action: `incident_${action}`, user: user.name, target: id, outcome: 'ok' });
    sendJson(res, 200, { incident: scopedIncident(event.incident, user) });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, user?: RouteUser): Promise<boolean> => {
    const url = parseUrl(req);
    if (url.pathname !== INCIDENTS_PATH && !url.pathname.startsWith(`${INCIDENTS_PATH}/`)) return false;
    if (!user) return (sendError(res, 401, 'ERR_LOGIN', 'log in first'), true);
    const [id, action] = url.pathname
      .slice(INCIDENTS_PATH.length + 1)
      .split('/')
      .map((p) => decodeURIComponent(p));
    if (req.method === 'POST' && id && action && ['acknowledge', 'investigate', 'close'].includes(action)) {
      await act(req, res, user, id, action);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return (sendError(res, 405, 'ERR_METHOD', 'not a method of this route'), true);
    if (!id) {
      sendJson(res, 200, { incidents: service.open().flatMap((i) => scopedIncident(i, user) ?? []) });
    } else if (id === 'history') {
      const q = url.searchParams;
      const from = instantParam(q, 'from', NaN);
      const to = instantParam(q, 'to', NaN);
      const events = await service.history({
        limit: intParam(q, 'limit', { min: 1, max: 5_000 }, 200),
        ...(Number.isNaN(from) ? {} : { from }),
        ...(Number.isNaN(to) ? {} : { to }),
      });
      sendJson(res, 200, { events: events.flatMap((e) => ((i) => (i ? [{ ...e, incident: i }] : []))(scopedIncident(e.incident, user))) });
    } else {
      const found = await service.get(id);
      const visible = found && scopedIncident(found, user);
      if (!visible) sendError(res, 404, 'ERR_NOT_FOUND', 'no such incident');
      else sendJson(res, 200, { incident: visible });
    }
    return true;
  };

  return [
    {
      prefix: INCIDENTS_PATH,
      async handle(req, res, user) {
        try {
          return await handle(req, res, user);
        } catch (err) {
          if (err instanceof ParamError) return (sendParamError(res, err), true);
          if (err instanceof HttpError) return (sendError(res, err.status, err.code, err.message), true);
          throw err;
        }
      },
    },
  ];
}
