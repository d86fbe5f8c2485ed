import { dirname, join, resolve } from 'node:path';
import type { SessionPort } from '../../core/index.js';
import type { Clock, SchedulerLike } from '../../platform/index.js';
import { createAuth, type Auth } from './auth.js';
import { accountsWithDisplays } from './display-session.js';
import { createDisplayStore, displaysFileIn } from './display-tokens.js';
import type { DashboardOptions } from './dashboard-options.js';
import type { LiveHub } from './live-hub.js';
import { createLoginThrottle } from './login-throttle.js';
import { readSessionFile, SESSIONS_FILE, startSessionPersistence, type SessionPersistence } from './session-file.js';
import { createSessionStore, type SessionStore } from './session-store.js';
import { createUserStore, type UserStore } from './user-store.js';

/** The sessions file is written at most this often: a restart loses at most this much activity. */
const SESSIONS_WRITE_MS = 5_000;

/** The accounts, the sessions and the login checks over them. */
export type Sessions = { kind: 'memory'; store: SessionStore } | { kind: 'shared'; store: SessionPort };

/**
 * Single-process sessions, kept in DATA_DIR/sessions.json when a data directory is given so that
 * they survive a restart (session-file.ts; docs/SECURITY.md, "Sessions").
 */
function memorySessions(
  options: DashboardOptions,
  limits: { idleMs: number; maxAgeMs: number; clock: Clock },
  scheduler: SchedulerLike,
): { store: SessionStore; persistence: SessionPersistence | undefined } {
  if (options.dataDir === undefined) return { store: createSessionStore(limits), persistence: undefined };
  const file = join(resolve(options.dataDir), SESSIONS_FILE);
  // The store is made after its persistence (which reads it only when a write starts).
  const persistence = startSessionPersistence({
    file,
    sessions: () => store.all(),
    periodMs: SESSIONS_WRITE_MS,
    scheduler,
    log: options.log,
  });
  const store = createSessionStore({ ...limits, initial: readSessionFile(file, options.log), onChange: () => persistence.changed() });
  // Expired sessions dropped at load leave the file: rewrite it.
  persistence.changed();
  return { store, persistence };
}

export function createAccess(
  options: DashboardOptions,
  clock: Clock,
  scheduler: SchedulerLike,
  hub: LiveHub,
): {
  users: UserStore;
  sessions: Sessions;
  auth: Auth;
  persistence: SessionPersistence | undefined;
  accounts: Pick<UserStore, 'get'>;
} {
  const { log } = options;
  const usersFile = options.usersFile ?? join(resolve(options.dataDir ?? './data'), 'users.json');
  const users = createUserStore(usersFile, {
    log,
    clock,
    catalogue: () => options.catalogue,
    ...(options.passwordCost === undefined ? {} : { cost: options.passwordCost }),
  });
  // A broken users file is logged now, by name, not at the first login; the centre still starts
  // (broker and ingest matter more than the dashboard) and refuses logins until it is fixed.
  users.check();
  const displays = createDisplayStore(options.displaysFile ?? displaysFileIn(dirname(usersFile)), { clock, log });
  const sessionMaxAgeMs = options.sessionMaxAgeMs ?? 7 * 86_400_000;
  const limits = { idleMs: options.sessionIdleMs ?? 12 * 3_600_000, maxAgeMs: sessionMaxAgeMs, clock };
  const memory = options.sessionStore ? undefined : memorySessions(options, limits, scheduler);
  const sessions: Sessions = memory ? { kind: 'memory', store: memory.store } : { kind: 'shared', store: options.sessionStore!(limits) };
  const { maxFailures = 10, windowMs = 15 * 60_000, lockMs = 5 * 60_000, nameBackoffAfter, nameBackoffMaxMs } = options.login ?? {};
  const auth = createAuth({
    users,
    sessions: sessions.store,
    throttle: createLoginThrottle({ maxFailures, windowMs, lockMs, nameBackoffAfter, nameBackoffMaxMs, clock }),
    checks: { maxConcurrent: options.login?.maxConcurrentChecks, maxQueued: options.login?.maxQueuedChecks },
    registry: options.registry,
    clock,
    cookieMaxAgeMs: sessionMaxAgeMs,
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    onSessionEnd: (id) => hub.closeSession(id),
    catalogue: options.catalogue,
    ...(options.audit ? { audit: options.audit } : {}),
    displays,
    log,
  });
  return { users, sessions, auth, persistence: memory?.persistence, accounts: accountsWithDisplays(users, displays) };
}
