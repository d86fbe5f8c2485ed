import { exhaustMap, interval, type Subscription } from 'rxjs';
import type { Logger, SessionPort } from '../../core/index.js';
import type { SchedulerLike } from '../../platform/index.js';
import type { LiveHub } from './live-hub.js';
import { changedSince } from './session-sweep.js';
import type { UserStore } from './user-store.js';

export interface SharedSessionSweepOptions {
  hub: Pick<LiveHub, 'sessionIds' | 'closeSession'>;
  sessions: Pick<SessionPort, 'peek' | 'destroy' | 'touch' | 'sweep'>;
  users: Pick<UserStore, 'get'>;
  log: Logger;
}

/**
 * The session sweep (session-sweep.ts) over a shared store (cluster mode, docs/ARCHITECTURE.md
 * "Cluster mode"): the sessions of this node's open live views are looked up together, so a
 * logout or an expiry seen by the store, on whichever node it happened, closes this node's
 * sockets of that session within one period. The same rules: an open view is activity; a
 * session that ended, or whose user was disabled, removed or changed since it began, loses its
 * sockets. Never rejects: the next sweep tries again.
 */
export async function sweepSharedSessions({ hub, sessions, users, log }: SharedSessionSweepOptions): Promise<void> {
  try {
    const ids = [...hub.sessionIds()];
    const found = await Promise.all(ids.map((id) => sessions.peek(id)));
    const work: Array<unknown> = [];
    ids.forEach((id, i) => {
      const s = found[i];
      const user = s ? users.get(s.user) : undefined;
      if (!s || !user || user.disabled || changedSince(user, s)) {
        work.push(sessions.destroy(id));
        hub.closeSession(id);
      } else {
        work.push(sessions.touch(id));
      }
    });
    await Promise.all(work);
    for (const id of await sessions.sweep()) hub.closeSession(id);
  } catch (err) {
    log.error({ err }, 'session sweep failed');
  }
}

/** Sweeps every `periodMs` on `scheduler` until unsubscribed; a sweep still waiting on the store skips the next tick. */
export function startSharedSessionSweep(options: SharedSessionSweepOptions, periodMs: number, scheduler: SchedulerLike): Subscription {
  return interval(periodMs, scheduler)
    .pipe(exhaustMap(() => sweepSharedSessions(options)))
    .subscribe();
}
