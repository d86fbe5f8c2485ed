import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditEntry, Catalogue } from '../../core/index.js';
import { HttpError } from '../../platform/index.js';
import type { Principal } from './auth.js';
import { roleAtLeast, type Role } from './user-store.js';

export interface ApiContext {
  principal: Principal;
  path: string;
  query: URLSearchParams;
  /** The client address (auth.clientAddress), for the audit log. */
  address: string;
  /** Records an audited action of this user from this address (docs/SECURITY.md, "Audit log"); a no-op without an audit log. */
  audit(entry: Omit<AuditEntry, 'user' | 'address'>): void;
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

type Station = NonNullable<ReturnType<Catalogue['station']>>;

/**
 * A station of the catalogue that the user may see (docs/SECURITY.md, "Access by level"): one
 * out of scope gets exactly the 404 of one that does not exist, and the refusal is audited.
 */
export function requireStation(catalogue: Catalogue, ctx: ApiContext, id: string): Station {
  const station = catalogue.station(id);
  if (station && (ctx.principal.scope.all || ctx.principal.scope.has(id))) return station;
  if (station) refusedByScope(ctx, id);
  throw new HttpError(404, 'ERR_NO_STATION', `no station "${id}"`);
}

/** Audits a 404 given because of scope: `target` is the id asked for. */
export function refusedByScope(ctx: ApiContext, target: string): void {
  ctx.audit({ action: 'scope_refused', target, outcome: 'refused', detail: { path: ctx.path.slice(0, 200) } });
}

type StationParameter = NonNullable<ReturnType<Catalogue['stationParameter']>>;

/** A parameter the station measures (else 404). */
export function requireParameter(catalogue: Catalogue, station: string, parameter: string): StationParameter {
  const sp = catalogue.stationParameter(station, parameter);
  if (!sp) throw new HttpError(404, 'ERR_NO_PARAMETER', `${station} does not measure "${parameter}"`);
  return sp;
}
