import { z } from 'zod';
import { QuantracError, type Logger } from '../../core/index.js';
import { methodIs, requireRole, type ApiRoutes } from './api-context.js';
import { HttpError, readJson, sendJson } from '../../platform/index.js';
import { RoleSchema, userNameKey, type UserStore } from './user-store.js';
import { decodeSegment } from '../../platform/http/query-params.js';
import { checkAdminChange } from './admin-guard.js';

export interface UserRoutesOptions {
  users: UserStore;
  /** Ends every session of a user (disabled, role lowered, password reset). */
  endSessions: (user: string) => void;
  log: Logger;
}

const AddSchema = z.object({ name: z.string(), role: RoleSchema, password: z.string().optional() });
const ChangeSchema = z.object({ role: RoleSchema.optional(), disabled: z.boolean().optional(), resetPassword: z.boolean().optional() });

/** User management for admins: list, add (a generated password is shown once), change role, disable, reset password. */
export function createUserRoutes(options: UserRoutesOptions): ApiRoutes {
  const { users, log } = options;
  const asHttp = (err: unknown): never => {
    if (err instanceof QuantracError && err.code === 'ERR_NO_USER') throw new HttpError(404, err.code, err.message);
    // users.json is broken (a hand edit): the server's trouble, not the request's.
    if (err instanceof QuantracError && err.code === 'ERR_USERS_FILE') throw new HttpError(503, err.code, err.message);
    if (err instanceof QuantracError && !(err instanceof HttpError)) throw new HttpError(400, err.code, err.message);
    if (err instanceof z.ZodError) throw new HttpError(400, 'ERR_BAD_BODY', err.issues[0]?.message ?? 'invalid');
    throw err;
  };

  return async (req, res, ctx) => {
    if (ctx.path === '/api/me') {
      methodIs(req, 'GET', 'HEAD');
      sendJson(res, 200, { user: { name: ctx.principal.user.name, role: ctx.principal.user.role } });
      return true;
    }
    if (ctx.path === '/api/users') {
      requireRole(ctx, 'admin');
      if (req.method === 'GET' || req.method === 'HEAD') {
        let list;
        try {
          list = users.list();
        } catch (err) {
          asHttp(err);
        }
        sendJson(res, 200, { users: list });
        return true;
      }
      methodIs(req, 'POST');
      const parsed = AddSchema.safeParse(await readJson(req));
      if (!parsed.success) throw new HttpError(400, 'ERR_BAD_BODY', parsed.error.issues[0]?.message ?? 'invalid');
      const added = await users.add(parsed.data.name, parsed.data.role, parsed.data.password).catch(asHttp);
      log.info({ user: added.user.name, role: added.user.role, by: ctx.principal.user.name }, 'user added');
      // The generated password is in this answer only: it is never stored or logged.
      sendJson(res, 201, { user: added.user, ...(parsed.data.password === undefined ? { password: added.password } : {}) });
      return true;
    }
    const m = /^\/api\/users\/([^/]+)$/.exec(ctx.path);
    if (m) {
      requireRole(ctx, 'admin');
      methodIs(req, 'POST', 'PATCH');
      const name = decodeSegment(m[1]!, 'name');
      const parsed = ChangeSchema.safeParse(await readJson(req));
      if (!parsed.success) throw new HttpError(400, 'ERR_BAD_BODY', parsed.error.issues[0]?.message ?? 'invalid');
      const change = parsed.data;
      let user;
      let password: string | undefined;
      try {
        checkAdminChange(ctx.principal.user.name, name, change, () => users.list());
        if (change.role !== undefined) user = users.setRole(name, change.role);
        if (change.disabled === true) user = users.disable(name);
        if (change.disabled === false) user = users.enable(name);
        if (change.resetPassword) password = await users.setPassword(name);
        user ??= users.get(userNameKey(name));
        if (!user) throw new QuantracError('ERR_NO_USER', `no user "${name}"`);
      } catch (err) {
        asHttp(err);
      }
      if (change.disabled === true || change.role !== undefined || change.resetPassword) options.endSessions(user!.name);
      log.info(
        {
          user: user!.name,
          change: { role: change.role, disabled: change.disabled, resetPassword: change.resetPassword },
          by: ctx.principal.user.name,
        },
        'user changed',
      );
      sendJson(res, 200, { user, ...(password !== undefined ? { password } : {}) });
      return true;
    }
    return false;
  };
}
