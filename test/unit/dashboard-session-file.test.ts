import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSessionFile, startSessionPersistence, writeSessionFile } from '../../dashboard/server/session-file.js';
import { createSessionStore } from '../../dashboard/server/session-store.js';
import { captureLog } from '../helpers/log-capture.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const HOUR = 3_600_000;
const limits = { idleMs: 12 * HOUR, maxAgeMs: 7 * 24 * HOUR };

describe('sessions kept in DATA_DIR/sessions.json', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-sessions-'));
    file = join(dir, 'sessions.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips the table: the same cookie token is a session again after a restart; no token in the file, mode 0600', async () => {
    const vt = createVirtualTime();
    const first = createSessionStore({ ...limits, clock: vt.clock });
    const { token, session } = first.create('thanh.tra');
    first.create('truc.ban');
    await writeSessionFile(file, first.all());
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain(session.id);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(text).sessions[0]).sort()).toEqual(['createdAt', 'id', 'lastSeenAt', 'user']);

    const { log } = captureLog();
    vt.advanceBy(HOUR);
    const second = createSessionStore({ ...limits, clock: vt.clock, initial: readSessionFile(file, log) });
    expect(second.size).toBe(2);
    expect(second.get(token)?.user).toBe('thanh.tra');
    expect(second.get('x'.repeat(43))).toBeUndefined();
  });

  it('drops sessions that expired while the centre was down (idle or too old)', async () => {
    const vt = createVirtualTime();
    const store = createSessionStore({ ...limits, clock: vt.clock });
    const idle = store.create('idle');
    vt.advanceBy(6 * 24 * HOUR);
    const recent = store.create('recent');
    await writeSessionFile(file, store.all());
    vt.advanceBy(13 * HOUR); // `idle` is past its 7 days in all, `recent` past 12 h idle
    const { log } = captureLog();
    const loaded = createSessionStore({ ...limits, clock: vt.clock, initial: readSessionFile(file, log) });
    expect(loaded.get(idle.token)).toBeUndefined();
    expect(loaded.get(recent.token)).toBeUndefined();
    expect(loaded.size).toBe(0);
    const kept = createSessionStore({
      ...limits,
      clock: createVirtualTime(vt.now() - 2 * HOUR).clock,
      initial: readSessionFile(file, log),
    });
    expect(kept.get(recent.token)?.user).toBe('recent');
  });

  it('starts empty on a corrupt, foreign or unreadable file, with a warning, and never throws', async () => {
    const cap = captureLog();
    await writeFile(file, '{"version":1,"sessions":[{"id":');
    expect(readSessionFile(file, cap.log)).toEqual([]);
    await writeFile(file, JSON.stringify({ version: 2, sessions: [] }));
    expect(readSessionFile(file, cap.log)).toEqual([]);
    await writeFile(file, JSON.stringify({ version: 1, sessions: [{ id: 'short', user: 'x', createdAt: 1, lastSeenAt: 1 }, null] }));
    expect(readSessionFile(file, cap.log)).toEqual([]);
    expect(readSessionFile(dir, cap.log)).toEqual([]); // a directory: EISDIR
    expect(cap.lines('sessions file').length).toBe(4);
    expect(readSessionFile(join(dir, 'none.json'), cap.log)).toEqual([]); // a first start: nothing to say
    expect(cap.lines('sessions file').length).toBe(4);
  });

  it('writes when changed, at most once a period, and once more on close', async () => {
    const vt = createVirtualTime();
    const cap = captureLog();
    let writes = 0;
    const store = createSessionStore({ ...limits, clock: vt.clock, onChange: () => persistence.changed() });
    const persistence = startSessionPersistence({
      file,
      sessions: () => {
        writes += 1;
        return store.all();
      },
      periodMs: 5_000,
      scheduler: vt.scheduler,
      log: cap.log,
    });
    vt.advanceBy(5_000);
    expect(writes).toBe(0); // nothing changed
    const a = store.create('a');
    for (let i = 0; i < 10; i++) store.get(a.token); // activity: many changes, one write
    vt.advanceBy(5_000);
    expect(writes).toBe(1);
    await vi.waitFor(async () => expect(JSON.parse(await readFile(file, 'utf8')).sessions).toHaveLength(1), { timeout: 2_000 });
    const b = store.create('b');
    await persistence.close();
    expect(writes).toBe(2);
    const ids = (JSON.parse(await readFile(file, 'utf8')) as { sessions: Array<{ id: string }> }).sessions.map((s) => s.id);
    expect(ids).toContain(b.session.id);
    store.create('c');
    vt.advanceBy(10_000);
    expect(writes).toBe(2); // closed: no timer left
  });
});
