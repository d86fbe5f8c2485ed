import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { loadCatalogue, type Reading } from '../../core/index.js';
import { createDashboard, createUserStore, type Dashboard, type DashboardOptions } from '../../dashboard/index.js';
import { WEB_DIST } from '../../main.js';
import { startTestCentre, type TestCentre } from '../helpers/centre.js';
import { sessionFor } from '../helpers/dashboard-session.js';
import { connectLive, type LiveClient } from '../helpers/live-client.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';

/** Review fixes of dashboard/ over real HTTP and WebSocket (each test fails without its fix). */
describe('dashboard hardening (real sockets)', () => {
  let dashboard: Dashboard | undefined;
  let centre: TestCentre | undefined;
  let dir: string | undefined;
  const lives: LiveClient[] = [];
  afterEach(async () => {
    for (const l of lives.splice(0)) l.close();
    await dashboard?.close();
    dashboard = undefined;
    await centre?.close();
    centre = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function start(extra: Partial<DashboardOptions> = {}): Promise<{ d: Dashboard; logs: LogCapture; file: string }> {
    dir = await mkdtemp(join(tmpdir(), 'qt-dash-hard-'));
    const logs = captureLog('info');
    const file = join(dir, 'users.json');
    const d = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue: await loadCatalogue('seeds/catalogue.json'),
      readings$: new Subject<Reading>(),
      staticDir: WEB_DIST,
      log: logs.log,
      usersFile: file,
      passwordCost: 1024,
      ...extra,
    });
    dashboard = d;
    return { d, logs, file };
  }
  const live = (d: Dashboard, headers: Record<string, string>): LiveClient => {
    const l = connectLive(`${d.url.replace('http', 'ws')}/ws`, headers);
    lives.push(l);
    return l;
  };
  const login = (d: Dashboard, username: string, password: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${d.url}/api/login`, {
      method: 'POST',
      headers: { origin: new URL(d.url).origin, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    });
  /** Overwrites the file with a new mtime, as a hand edit would. */
  const overwrite = async (file: string, text: string, mtimeS: number): Promise<void> => {
    await writeFile(file, text);
    await utimes(file, mtimeS, mtimeS);
  };

  it('a users.json broken while running: live sockets, logins and the session sweep go on with the last good users; logged once', async () => {
    // A short idle time: a live view's session outlives it only because the sweep keeps touching it.
    const { d, logs, file } = await start({ sweepMs: 100, sessionIdleMs: 1500 });
    await d.users.add('oncall', 'operator', 'oncall password');
    await d.users.add('boss', 'admin', 'boss password!');
    const watcher = await sessionFor(d.url, 'oncall', 'oncall password');
    const watching = live(d, watcher.headers);
    await watching.opened;
    const good = await readFile(file, 'utf8');

    await overwrite(file, good.slice(0, good.length / 2), 2_000_000_000);
    const brokeAt = Date.now();
    // The upgrade listener reads the user (users.get): a throw there was an uncaught exception.
    await vi.waitFor(
      async () => {
        const l = live(d, watcher.headers);
        await l.opened;
        expect(logs.lines('users file invalid')).toHaveLength(1);
      },
      { timeout: 10_000, interval: 200 },
    );
    const other = await sessionFor(d.url, 'oncall', 'oncall password');
    expect((await other.fetch('/api/me')).status).toBe(200);
    // Past twice the idle time, the first live view is still up: the sweep (every 100 ms) read
    // the user from the last good copy each time and kept its session alive.
    await vi.waitFor(() => expect(Date.now() - brokeAt).toBeGreaterThan(3500), { timeout: 10_000, interval: 250 });
    const again = live(d, watcher.headers);
    await again.opened;
    await vi.waitFor(() => expect(again.frames[0]?.type).toBe('snap'), { timeout: 5000 });
    expect(logs.lines('users file invalid')).toHaveLength(1);
    expect(logs.lines('session sweep failed')).toHaveLength(0);
    // Changes would drop the users of the unreadable file: refused, with the reason.
    const admin = await sessionFor(d.url, 'boss', 'boss password!');
    const list = await admin.fetch('/api/users');
    expect(list.status).toBe(503);
    expect(await list.json()).toMatchObject({ code: 'ERR_USERS_FILE' });
    expect((await admin.fetch('/api/users', { json: { name: 'newcomer', role: 'viewer' } })).status).toBe(503);

    await overwrite(file, good, 2_000_000_100);
    await vi.waitFor(async () => expect((await admin.fetch('/api/users')).status).toBe(200), { timeout: 5000, interval: 200 });
    expect(logs.lines('users file valid again')).toHaveLength(1);
  });

  it('starts with an invalid users.json: logs it by name, refuses every login, serves the rest', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-dash-hard-'));
    const file = join(dir, 'users.json');
    await writeFile(file, '{ "version": 1, "users": [ oops');
    const logs = captureLog('info');
    dashboard = await createDashboard({
      host: '127.0.0.1',
      port: 0,
      catalogue: await loadCatalogue('seeds/catalogue.json'),
      readings$: new Subject<Reading>(),
      staticDir: WEB_DIST,
      log: logs.log,
      usersFile: file,
      passwordCost: 1024,
    });
    expect(logs.lines('no dashboard user can log in until it is fixed')[0]).toMatchObject({ level: 50, file });
    expect((await login(dashboard, 'admin', 'any password at all')).status).toBe(401);
    expect((await fetch(`${dashboard.url}/`)).status).toBe(200);
  });

  it('a failed login logs a known user by name, an unknown one (a password in the wrong field?) never', async () => {
    const { d, logs } = await start();
    await d.users.add('thanh.tra', 'viewer', 'inspector password');
    const typedPassword = `Mat-khau-${randomBytes(4).toString('hex')}`;
    expect((await login(d, typedPassword, 'x')).status).toBe(401);
    expect((await login(d, ' Thanh.Tra', 'wrong password')).status).toBe(401);
    expect(logs.text()).not.toContain(typedPassword);
    expect(logs.text()).not.toContain(typedPassword.slice(0, 6));
    const [unknown, known] = logs.lines('login failed');
    expect(unknown).toMatchObject({ userKnown: false, userLength: typedPassword.length });
    expect(unknown).not.toHaveProperty('user');
    expect(known).toMatchObject({ user: 'thanh.tra', userKnown: true });
  });

  it('behind a trusted proxy, throttles per the address the proxy saw (last X-Forwarded-For entry) and per normalised user name', async () => {
    const { d, logs } = await start({ trustProxy: true, login: { maxFailures: 3, nameBackoffAfter: 3, windowMs: 60_000, lockMs: 60_000 } });
    await d.users.add('victim', 'operator', 'victim password');
    // One client writes a new first entry each time; the proxy appends what it saw.
    for (let i = 0; i < 3; i++) {
      expect((await login(d, `user${i}`, 'guess', { 'x-forwarded-for': `10.9.${i}.1, 203.0.113.9` })).status).toBe(401);
    }
    const blocked = await login(d, 'user9', 'guess', { 'x-forwarded-for': '10.9.9.9, 203.0.113.9' });
    expect(blocked.status).toBe(429);
    expect(logs.lines('login throttled')[0]).toMatchObject({ address: '203.0.113.9' });
    // Another address is not held back by that one.
    expect((await login(d, 'victim', 'victim password', { 'x-forwarded-for': '198.51.100.7' })).status).toBe(200);

    // Spaces, tabs and case reach the same account, so they count against the same name: from many
    // addresses that is only a short back-off of the name (1 s here), never a lock of it from everywhere.
    let n = 0;
    for (const name of [' victim', 'VICTIM\t', 'victim ']) {
      expect((await login(d, name, 'guess', { 'x-forwarded-for': `198.51.100.${20 + n++}` })).status).toBe(401);
    }
    const backedOff = await login(d, 'victim', 'victim password', { 'x-forwarded-for': '198.51.100.99' });
    expect(backedOff.status).toBe(429);
    expect(backedOff.headers.get('retry-after')).toBe('1');
    await vi.waitFor(
      async () => expect((await login(d, 'victim', 'victim password', { 'x-forwarded-for': '198.51.100.99' })).status).toBe(200),
      { timeout: 5000, interval: 200 },
    );
  });

  it('demo mode: the demo login lives in memory only and never takes over a real user called demo', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-dash-demo-'));
    const file = join(dir, 'users.json');
    await createUserStore(file, { cost: 1024 }).add('demo', 'admin', 'the real demo password');
    const before = await readFile(file, 'utf8');
    centre = await startTestCentre(
      inject('influxUrl'),
      { DATA_DIR: dir, DEMO_INTERVAL_MS: '5000', DEMO_SCENARIO_FILE: '' },
      { demo: true },
    );
    const demo = centre.demoLogin!;
    expect(demo.username).toMatch(/^demo-[0-9a-f]{6}$/);
    expect((await sessionFor(centre.dashboardUrl, demo.username, demo.password)).role).toBe('operator');
    expect((await sessionFor(centre.dashboardUrl, 'demo', 'the real demo password')).role).toBe('admin');
    expect(await readFile(file, 'utf8')).toBe(before);
    await centre.close();
    centre = undefined;
    // The next start knows no demo account: its printed password is worth nothing.
    const after = createUserStore(file, { cost: 1024 });
    expect(after.list().map((u) => u.name)).toEqual(['demo']);
    expect(await after.verify(demo.username, demo.password)).toBeUndefined();
  });
});
