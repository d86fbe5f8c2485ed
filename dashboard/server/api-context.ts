import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Catalogue } from '../../core/index.js';
import { HttpError } from '../../platform/index.js';
import type { Principal } from './auth.js';
import { roleAtLeast, type Role } from './user-store.js';

export interface ApiContext {
  principal: Principal;
  path: string;
  query: URLSearchParams;
}

/** A group of REST routes; answers true when it handled the request. */
export type ApiRoutes = (req: IncomingMessage, res: ServerResponse, ctx: ApiContext) => Promise<boolean> | boolean;

/** Role check, server side (the page hides buttons too, but that is comfort, not security). */
export function requireRole(ctx: ApiContext, role: Role): void {
  if (!roleAtLeast(ctx.principal.user.role, role)) throw new HttpError(403, 'ERR_FORBIDDEN', `this needs the ${role} role`);
}

export function methodIs(req: IncomingMessage, ...methods: string[]): void {
  if (!methods.includes(req.method ?? 'GET')) throw new HttpError(405, 'ERR_METHOD', `use ${methods.join(' or ')}`);
}

type StationParameter = NonNullable<ReturnType<Catalogue['stationParameter']>>;

/** A parameter the station measures (else 404). */
export function requireParameter(catalogue: Catalogue, station: string, parameter: string): StationParameter {
  const sp = catalogue.stationParameter(station, parameter);
  if (!sp) throw new HttpError(404, 'ERR_NO_PARAMETER', `${station} does not measure "${parameter}"`);
  return sp;
}
