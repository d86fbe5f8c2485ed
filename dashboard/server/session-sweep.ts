import { interval, type Subscription } from 'rxjs';
import type { Logger } from '../../core/index.js';
import type { SchedulerLike } from '../../platform/index.js';
import type { LiveHub } from './live-hub.js';
import type { SessionStore } from './session-store.js';
import type { UserStore } from './user-store.js';

export interface SessionSweepOptions {
  hub: Pick<LiveHub, 'sessionIds' | 'closeSession'>;
  sessions: Pick<SessionStore, 'peek' | 'destroy' | 'touch' | 'sweep'>;
  users: Pick<UserStore, 'get'>;
  log: Logger;
}

/**
 * Whether the account was changed after the session began (`quantrac user role|scope|passwd` in
 * another process): its live view was opened with the old role and scope (docs/SECURITY.md,
 * "Access by level"), so it must log in again. REST requests need no such check: each one reads
 * the account afresh.
 */
export const changedSince = (user: { updatedAt: string }, session: { createdAt: number }): boolean =>
  Date.parse(user.updatedAt) > session.createdAt;

/**
 * One sweep: an open live view keeps its session alive (it is activity); a session that expired,
 * or whose user was disabled, removed or changed since it began, loses its sockets. Never throws: it runs on a timer,
 * where a throw would stop the whole centre; the next sweep tries again.
 */
export function sweepSessions({ hub, sessions, users, log }: SessionSweepOptions): void {
  try {
    for (const id of hub.sessionIds()) {
      const s = sessions.peek(id);
      const user = s ? users.get(s.user) : undefined;
      if (!s || !user || user.disabled || changedSince(user, s)) {
        sessions.destroy(id);
        hub.closeSession(id);
      } else {
        sessions.touch(id);
      }
    }
    for (const id of sessions.sweep()) hub.closeSession(id);
  } catch (err) {
    log.error({ err }, 'session sweep failed');
  }
}

/** Sweeps every `periodMs` on `scheduler` until unsubscribed. */
export function startSessionSweep(options: SessionSweepOptions, periodMs: number, scheduler: SchedulerLike): Subscription {
  return interval(periodMs, scheduler).subscribe(() => sweepSessions(options));
}
