import { describe, expect, it } from 'vitest';
import { createSessionStore } from '../../dashboard/server/session-store.js';
import { startSessionSweep } from '../../dashboard/server/session-sweep.js';
import type { User } from '../../dashboard/server/user-store.js';
import { captureLog } from '../helpers/log-capture.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

/** The session sweep of dashboard/server/session-sweep.ts, in virtual time (no real timer runs). */
describe('session sweep', () => {
  const user = (name: string, disabled = false): User => ({
    name,
    role: 'viewer',
    disabled,
    scope: ['country'],
    createdAt: '',
    updatedAt: '',
  });

  it('keeps the sessions of open live views alive, ends expired ones and those of disabled users, every period', () => {
    const vt = createVirtualTime();
    const sessions = createSessionStore({ idleMs: 1000, maxAgeMs: 60_000, clock: vt.clock });
    const users = new Map([
      ['an', user('an')],
      ['binh', user('binh')],
    ]);
    const watching = sessions.create('an');
    const idle = sessions.create('an');
    const other = sessions.create('binh');
    const open = new Set([watching.session.id, other.session.id]);
    const closed: string[] = [];
    const hub = { sessionIds: () => [...open], closeSession: (id: string) => void (closed.push(id), open.delete(id)) };
    const sweep = startSessionSweep({ hub, sessions, users: { get: (n) => users.get(n) }, log: captureLog().log }, 500, vt.scheduler);

    vt.advanceBy(1500); // sweeps at 500, 1000, 1500: the open views are touched, the idle session expires
    expect(sessions.has(watching.session.id)).toBe(true);
    expect(sessions.has(idle.session.id)).toBe(false);
    expect(closed).toEqual([idle.session.id]);

    users.set('binh', user('binh', true));
    vt.advanceBy(500);
    expect(sessions.has(other.session.id)).toBe(false);
    expect(closed).toEqual([idle.session.id, other.session.id]);

    sweep.unsubscribe();
    vt.advanceBy(5000); // no sweep any more: the session of the open view is not touched and is not swept
    expect(sessions.has(watching.session.id)).toBe(true);
    expect(closed).toHaveLength(2);
  });

  it('ends the live views of a user whose account changed after login (a role or scope changed from the CLI)', () => {
    const vt = createVirtualTime();
    vt.advanceBy(10_000);
    const sessions = createSessionStore({ idleMs: 60_000, maxAgeMs: 600_000, clock: vt.clock });
    const before = new Date(vt.clock.now() - 1000).toISOString();
    const users = new Map([
      ['an', { ...user('an'), updatedAt: before }],
      ['binh', { ...user('binh'), updatedAt: before }],
    ]);
    const an = sessions.create('an');
    const binh = sessions.create('binh');
    const open = new Set([an.session.id, binh.session.id]);
    const closed: string[] = [];
    const hub = { sessionIds: () => [...open], closeSession: (id: string) => void (closed.push(id), open.delete(id)) };
    const sweep = startSessionSweep({ hub, sessions, users: { get: (n) => users.get(n) }, log: captureLog().log }, 500, vt.scheduler);
    vt.advanceBy(500);
    expect(closed).toEqual([]);
    users.set('binh', { ...user('binh'), scope: ['province:Bắc Ninh'], updatedAt: new Date(vt.clock.now()).toISOString() });
    vt.advanceBy(500);
    expect(closed).toEqual([binh.session.id]);
    expect(sessions.has(binh.session.id)).toBe(false);
    expect(sessions.has(an.session.id)).toBe(true);
    sweep.unsubscribe();
  });

  it('a failing sweep is logged, not thrown, and the next one runs', () => {
    const vt = createVirtualTime();
    const logs = captureLog();
    const sessions = createSessionStore({ idleMs: 1000, maxAgeMs: 60_000, clock: vt.clock });
    let calls = 0;
    const hub = {
      sessionIds: () => {
        calls++;
        throw new Error('boom');
      },
      closeSession: () => undefined,
    };
    startSessionSweep({ hub, sessions, users: { get: () => undefined }, log: logs.log }, 100, vt.scheduler);
    vt.advanceBy(300);
    expect(calls).toBe(3);
    expect(logs.lines('session sweep failed')).toHaveLength(3);
  });
});
