import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { QuantracError, type Catalogue, type Logger, type MaybePromise } from '../../core/index.js';
import { methodIs, requireRole, type ApiContext, type ApiRoutes } from './api-context.js';
import { HttpError, readJson, sendJson } from '../../platform/index.js';
import { RoleSchema, userNameKey, type User, type UserStore } from './user-store.js';
import { decodeSegment } from '../../platform/http/query-params.js';
import { checkAdminChange } from './admin-guard.js';
import { checkUserScope, scopeChoices } from './user-scope.js';

export interface UserRoutesOptions {
  users: UserStore;
  /** Ends every session of a user (disabled, role or scope changed, password reset); a shared store answers with a promise. */
  endSessions: (user: string) => MaybePromise<void>;
  /** The catalogue scopes are offered from (GET /api/scopes) and checked against. */
  catalogue?: Catalogue;
  log: Logger;
}

const ScopeListSchema = z.array(z.string().max(200)).min(1).max(500);
const AddSchema = z.object({ name: z.string(), role: RoleSchema, password: z.string().optional(), scope: ScopeListSchema.optional() });
const ChangeSchema = z.object({
  role: RoleSchema.optional(),
  disabled: z.boolean().optional(),
  resetPassword: z.boolean().optional(),
  scope: ScopeListSchema.optional(),
});
type Change = z.infer<typeof ChangeSchema>;

/** A store or validation error as the HTTP answer it deserves. */
function asHttp(err: unknown): never {
  if (err instanceof QuantracError && err.code === 'ERR_NO_USER') throw new HttpError(404, err.code, err.message);
  // users.json is broken (a hand edit): the server's trouble, not the request's.
  if (err instanceof QuantracError && err.code === 'ERR_USERS_FILE') throw new HttpError(503, err.code, err.message);
  if (err instanceof QuantracError && !(err instanceof HttpError)) throw new HttpError(400, err.code, err.message);
  if (err instanceof z.ZodError) throw new HttpError(400, 'ERR_BAD_BODY', err.issues[0]?.message ?? 'invalid');
  throw err;
}

/**
 * User management is the whole centre's business: the admin role AND the country scope
 * (docs/SECURITY.md, "Access by level"); a province's admin manages nobody.
 */
function requireUserAdmin(ctx: ApiContext): void {
  requireRole(ctx, 'admin');
  if (!ctx.principal.scope.all) throw new HttpError(403, 'ERR_FORBIDDEN', 'managing users needs the admin role and the country scope');
}

async function body<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await readJson(req));
  if (!parsed.success) throw new HttpError(400, 'ERR_BAD_BODY', parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

/** What an audit entry of a change says: the fields changed, never a password. */
const changeDetail = (change: Change): Record<string, string | boolean> => ({
  ...(change.role !== undefined ? { role: change.role } : {}),
  ...(change.scope !== undefined ? { scope: change.scope.join(',') } : {}),
  ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
  ...(change.resetPassword ? { resetPassword: true } : {}),
});

/**
 * Applies a change in an order that never passes through a forbidden state (a facility scope
 * with more than the viewer role), after checking the scope against the role it will have, so
 * nothing is half applied when the scope is refused.
 */
async function applyChange(
  options: UserRoutesOptions,
  ctx: ApiContext,
  name: string,
  change: Change,
): Promise<{ user: User; password?: string }> {
  const { users } = options;
  checkAdminChange(ctx.principal.user.name, name, change, () => users.list());
  const current = users.get(userNameKey(name));
  if (!current) throw new QuantracError('ERR_NO_USER', `no user "${name}"`);
  const role = change.role ?? current.role;
  if (change.scope !== undefined) checkUserScope(role, change.scope, options.catalogue);
  let user: User = current;
  const setRole = (): void => {
    if (change.role !== undefined) user = users.setRole(name, change.role);
  };
  if (role === 'viewer') setRole();
  if (change.scope !== undefined) user = await users.setScope(name, change.scope);
  if (role !== 'viewer') setRole();
  if (change.disabled === true) user = users.disable(name);
  if (change.disabled === false) user = users.enable(name);
  const password = change.resetPassword ? await users.setPassword(name) : undefined;
  return { user, ...(password !== undefined ? { password } : {}) };
}

/**
 * User management for admins of the whole country: list, add (a generated password is shown
 * once), change role, scope, disable, reset password; the possible scopes; and `/api/me`.
 * Adds and changes are audited (docs/SECURITY.md, "Audit log").
 */
export function createUserRoutes(options: UserRoutesOptions): ApiRoutes {
  const { users, log } = options;

  async function add(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
    methodIs(req, 'POST');
    const input = await body(req, AddSchema);
    const added = await users.add(input.name, input.role, input.password, input.scope).catch(asHttp);
    log.info({ user: added.user.name, role: added.user.role, scope: added.user.scope, by: ctx.principal.user.name }, 'user added');
    ctx.audit({
      action: 'user_add',
      target: added.user.name,
      outcome: 'ok',
      detail: { role: added.user.role, scope: added.user.scope.join(',') },
    });
    // The generated password is in this answer only: it is never stored or logged.
    sendJson(res, 201, { user: added.user, ...(input.password === undefined ? { password: added.password } : {}) });
  }

  async function change(req: IncomingMessage, res: ServerResponse, ctx: ApiContext, encodedName: string): Promise<void> {
    methodIs(req, 'POST', 'PATCH');
    const name = decodeSegment(encodedName, 'name');
    const input = await body(req, ChangeSchema);
    const done = await applyChange(options, ctx, name, input).catch(asHttp);
    if (input.disabled === true || input.role !== undefined || input.scope !== undefined || input.resetPassword) {
      await options.endSessions(done.user.name);
    }
    log.info({ user: done.user.name, change: changeDetail(input), by: ctx.principal.user.name }, 'user changed');
    ctx.audit({ action: 'user_change', target: done.user.name, outcome: 'ok', detail: changeDetail(input) });
    sendJson(res, 200, done);
  }

  return async (req, res, ctx) => {
    if (ctx.path === '/api/me') {
      methodIs(req, 'GET', 'HEAD');
      const { name, role, scope } = ctx.principal.user;
      const display = ctx.principal.display;
      sendJson(res, 200, { user: { name, role, scope }, ...(display === undefined ? {} : { display }) });
      return true;
    }
    if (ctx.path === '/api/scopes') {
      requireUserAdmin(ctx);
      methodIs(req, 'GET', 'HEAD');
      const choices = options.catalogue
        ? scopeChoices(options.catalogue)
        : [{ scope: 'country', kind: 'country', label: 'the whole country' }];
      sendJson(res, 200, { scopes: choices.map(({ scope, kind, label }) => ({ scope, kind, label })) });
      return true;
    }
    if (ctx.path === '/api/users') {
      requireUserAdmin(ctx);
      if (req.method === 'GET' || req.method === 'HEAD') {
        let list;
        try {
          list = users.list();
        } catch (err) {
          asHttp(err);
        }
        sendJson(res, 200, { users: list });
      } else await add(req, res, ctx);
      return true;
    }
    const m = /^\/api\/users\/([^/]+)$/.exec(ctx.path);
    if (m) {
      requireUserAdmin(ctx);
      await change(req, res, ctx, m[1]!);
      return true;
    }
    return false;
  };
}
