import { describe, expect, it } from 'vitest';
import type { SessionPort } from '../../core/index.js';
import { startSharedSessionSweep } from '../../dashboard/server/session-shared-sweep.js';
import { createSessionStore } from '../../dashboard/server/session-store.js';
import type { User } from '../../dashboard/server/user-store.js';
import { captureLog } from '../helpers/log-capture.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

/** Lets the promises of one sweep settle (the fake store answers in microtasks). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A shared store as the dashboard sees it (every answer a promise), over the in-memory one. */
function asyncStore(inner: ReturnType<typeof createSessionStore>): SessionPort & { peeks: number; hold?: Promise<void> } {
  const store = {
    peeks: 0,
    hold: undefined as Promise<void> | undefined,
    create: async (u: string) => inner.create(u),
    get: async (t: string | undefined) => inner.get(t),
    touch: async (id: string) => inner.touch(id),
    destroy: async (id: string) => inner.destroy(id),
    destroyUser: async (u: string) => inner.destroyUser(u),
    sweep: async () => inner.sweep(),
    async peek(id: string) {
      store.peeks++;
      await store.hold;
      return inner.peek(id);
    },
  };
  return store;
}

const user = (name: string, disabled = false): User => ({
  name,
  role: 'viewer',
  disabled,
  scope: ['country'],
  createdAt: '',
  updatedAt: '',
});

/** The dashboard's sweep over a shared session store (dashboard/server/session-shared-sweep.ts), in virtual time. */
describe('shared session sweep', () => {
  it('keeps open views alive, and closes those whose session ended elsewhere, expired or lost its user', async () => {
    const vt = createVirtualTime();
    const inner = createSessionStore({ idleMs: 1000, maxAgeMs: 60_000, clock: vt.clock });
    const sessions = asyncStore(inner);
    const users = new Map([
      ['an', user('an')],
      ['binh', user('binh')],
    ]);
    const watching = await sessions.create('an');
    const elsewhere = await sessions.create('an');
    const other = await sessions.create('binh');
    const open = new Set([watching.session.id, elsewhere.session.id, other.session.id]);
    const closed: string[] = [];
    const hub = { sessionIds: () => [...open], closeSession: (id: string) => void (closed.push(id), open.delete(id)) };
    const sweep = startSharedSessionSweep({ hub, sessions, users: { get: (n) => users.get(n) }, log: captureLog().log }, 500, vt.scheduler);

    for (let i = 0; i < 4; i++) {
      vt.advanceBy(500); // past idleMs: only the sweep's touches keep the open views alive
      await settle();
    }
    expect(closed).toEqual([]);
    expect(inner.has(watching.session.id)).toBe(true);

    inner.destroy(elsewhere.session.id); // a logout on another node
    vt.advanceBy(500);
    await settle();
    expect(closed).toEqual([elsewhere.session.id]);

    users.set('binh', user('binh', true));
    vt.advanceBy(500);
    await settle();
    expect(closed).toEqual([elsewhere.session.id, other.session.id]);
    expect(inner.has(other.session.id)).toBe(false);

    sweep.unsubscribe();
    vt.advanceBy(5000);
    await settle();
    expect(closed).toHaveLength(2);
  });

  it('skips ticks while a sweep waits on the store, and logs a failed one without stopping', async () => {
    const vt = createVirtualTime();
    const inner = createSessionStore({ idleMs: 60_000, maxAgeMs: 600_000, clock: vt.clock });
    const sessions = asyncStore(inner);
    const s = await sessions.create('an');
    let release = (): void => undefined;
    sessions.hold = new Promise<void>((r) => (release = r));
    const hub = { sessionIds: () => [s.session.id], closeSession: () => undefined };
    const logs = captureLog();
    const sweep = startSharedSessionSweep({ hub, sessions, users: { get: () => user('an') }, log: logs.log }, 100, vt.scheduler);
    vt.advanceBy(500);
    await settle();
    expect(sessions.peeks).toBe(1); // one sweep at 100, still waiting: the ticks at 200..500 are skipped
    release();
    sessions.hold = undefined;
    await settle();
    sessions.peek = async () => {
      throw new Error('redis gone');
    };
    for (let i = 0; i < 2; i++) {
      vt.advanceBy(100);
      await settle();
    }
    expect(logs.lines('session sweep failed')).toHaveLength(2);
    sweep.unsubscribe();
  });
});
