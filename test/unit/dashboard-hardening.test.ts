import type { IncomingMessage } from 'node:http';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { config as rxConfig, Subject } from 'rxjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCatalogue, type Alert, type AlertEvent, type Catalogue, type Presence, type Reading } from '../../core/index.js';
import { createAuth } from '../../dashboard/server/auth.js';
import { loggableUser } from '../../dashboard/server/auth-log-user.js';
import { createLiveHub, type LiveHub } from '../../dashboard/server/live-hub.js';
import { createLoginThrottle } from '../../dashboard/server/login-throttle.js';
import { createSessionStore } from '../../dashboard/server/session-store.js';
import { createUserStore } from '../../dashboard/server/user-store.js';
import { captureLog } from '../helpers/log-capture.js';
import { fakeSocket } from '../helpers/fake-socket.js';

/** Fixes from the security and robustness review of dashboard/ (each test fails without its fix). */

describe('login throttle: user names in the store own normal form', () => {
  it('" admin", "admin\\t" and "ADMIN " count as admin for its back-off from any address', async () => {
    const th = createLoginThrottle({ maxFailures: 3, nameBackoffAfter: 3, windowMs: 60_000, lockMs: 300_000, clock: { now: () => 0 } });
    const fail = async (address: string, name: string): Promise<void> => {
      const t = await th.begin(address, name);
      if ('retryAfterMs' in t) throw new Error('refused');
      t.failed();
    };
    await fail('10.0.0.1', ' admin');
    await fail('10.0.0.2', 'admin\t');
    await fail('10.0.0.3', 'ADMIN ');
    expect(th.blockedFor('10.0.0.9', 'admin')).toBe(1000); // the name's short back-off, not a lock
    expect(th.blockedFor('10.0.0.9', '\u00a0Admin')).toBe(1000);
    expect(th.blockedFor('10.0.0.9', 'binh')).toBe(0);
  });
});

describe('client address behind a trusted proxy', () => {
  const req = (headers: Record<string, string>, remoteAddress = '10.0.0.2'): IncomingMessage =>
    ({ headers, socket: { remoteAddress } }) as unknown as IncomingMessage;
  const auth = (trustProxy: boolean) =>
    createAuth({
      users: createUserStore(join(tmpdir(), 'qt-no-such-dir', 'users.json')),
      sessions: createSessionStore({ idleMs: 1000, maxAgeMs: 1000 }),
      throttle: createLoginThrottle({ maxFailures: 3, windowMs: 1000, lockMs: 1000 }),
      cookieMaxAgeMs: 1000,
      trustProxy,
      log: captureLog().log,
    });

  it('is the last X-Forwarded-For entry (what our proxy saw), never the client-written first one', () => {
    const a = auth(true);
    expect(a.clientAddress(req({ 'x-forwarded-for': '1.2.3.4, 203.0.113.9' }))).toBe('203.0.113.9');
    expect(a.clientAddress(req({ 'x-forwarded-for': 'forged, 6.6.6.6 , 203.0.113.9 ' }))).toBe('203.0.113.9');
    expect(a.clientAddress(req({ 'x-forwarded-for': '203.0.113.9' }))).toBe('203.0.113.9');
    expect(a.clientAddress(req({}))).toBe('10.0.0.2');
    // Without a trusted proxy the header is ignored.
    expect(auth(false).clientAddress(req({ 'x-forwarded-for': '1.2.3.4' }))).toBe('10.0.0.2');
  });
});

describe('user name of a failed login in the log', () => {
  it('an unknown name (perhaps a password typed in the wrong field) is never logged, only its length and a keyed fingerprint', () => {
    const secret = 'Correct-Horse-9';
    const fields = loggableUser(secret, false);
    expect(JSON.stringify(fields)).not.toContain(secret);
    expect(JSON.stringify(fields)).not.toContain(secret.slice(0, 4));
    expect(fields).toMatchObject({ userKnown: false, userLength: secret.length });
    expect(fields.userFingerprint).toMatch(/^[0-9a-f]{12}$/);
    // The same name again gets the same fingerprint (a spray on one name is visible), another name another.
    expect(loggableUser(secret, false).userFingerprint).toBe(fields.userFingerprint);
    expect(loggableUser('another-name', false).userFingerprint).not.toBe(fields.userFingerprint);
    expect(loggableUser(' Thanh.Tra ', true)).toEqual({ user: 'thanh.tra', userKnown: true });
  });
});

describe('an invalid users.json never throws out of get() or verify()', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-users-bad-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  /** Replaces the file with a new mtime (the store notices changes by mtime and size). */
  const overwrite = async (file: string, text: string, mtimeS: number): Promise<void> => {
    await writeFile(file, text);
    await utimes(file, mtimeS, mtimeS);
  };

  it('keeps the last good users, logs the problem once per change, refuses writes, and takes the fixed file back', async () => {
    const file = join(dir, 'users.json');
    const logs = captureLog();
    const store = createUserStore(file, { recheckMs: 0, cost: 1024, log: logs.log });
    await store.add('oncall', 'operator', 'a long enough secret');
    const good = await readFile(file, 'utf8');

    await overwrite(file, '{"version": 1, "users": [ {"name": "oncall", ', 2_000_000_000);
    expect(() => store.get('oncall')).not.toThrow();
    expect(store.get('oncall')).toMatchObject({ role: 'operator' });
    expect(await store.verify('oncall', 'a long enough secret')).toMatchObject({ name: 'oncall' });
    for (let i = 0; i < 5; i++) store.get('oncall');
    expect(store.check()).toMatch(/not valid JSON/);
    const errors = logs.lines('users file invalid');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ level: 50, file, usersKept: 1 });
    expect(logs.text()).not.toContain('scrypt$');
    // A write would drop every user of the unreadable file: refused, and the file left as it is.
    await expect(store.add('newcomer', 'viewer')).rejects.toThrow(/ERR_USERS_FILE|not valid JSON/);
    expect(() => store.disable('oncall')).toThrow(/not valid JSON/);
    expect(() => store.list()).toThrow(/not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe('{"version": 1, "users": [ {"name": "oncall", ');

    // Another broken version is another change: logged again. A schema error names the field.
    await overwrite(
      file,
      JSON.stringify({ version: 1, users: [{ name: 'oncall', role: 'boss', hash: 'x', createdAt: '', updatedAt: '' }] }),
      2_000_000_100,
    );
    expect(store.get('oncall')).toMatchObject({ role: 'operator' });
    expect(logs.lines('users file invalid')).toHaveLength(2);
    expect(store.check()).toMatch(/users\.0\.role/);

    await overwrite(file, good, 2_000_000_200);
    expect(store.check()).toBeUndefined();
    expect(logs.lines('users file valid again')).toHaveLength(1);
    expect(store.disable('oncall')).toMatchObject({ disabled: true });
  });

  it('at start with no good copy: no users, every login refused, a clear error in the log', async () => {
    const file = join(dir, 'users.json');
    await writeFile(file, 'not json at all');
    const logs = captureLog();
    const store = createUserStore(file, { cost: 1024, log: logs.log });
    expect(store.check()).toMatch(/users\.json: not valid JSON/);
    expect(store.get('admin')).toBeUndefined();
    expect(await store.verify('admin', 'whatever password')).toBeUndefined();
    expect(logs.lines('no dashboard user can log in until it is fixed')).toHaveLength(1);
  });
});

describe('in-memory accounts (demo mode)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-users-mem-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are never written to users.json and end with the store', async () => {
    const file = join(dir, 'users.json');
    const store = createUserStore(file, { cost: 1024 });
    await store.add('thanh.tra', 'viewer', 'inspector password');
    const before = await readFile(file, 'utf8');
    const { user, password } = await store.addEphemeral('demo', 'operator');
    expect(user).toMatchObject({ name: 'demo', role: 'operator' });
    expect(await store.verify('demo', password)).toMatchObject({ name: 'demo', role: 'operator' });
    expect(store.get('demo')).toBeDefined();
    expect(store.list().map((u) => u.name)).toEqual(['demo', 'thanh.tra']);
    expect(store.disable('demo')).toMatchObject({ disabled: true });
    expect(await store.verify('demo', password)).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe(before);
    await expect(store.add('demo', 'viewer')).rejects.toThrow(/exists/);
    // The next start (another store on the same file) knows no demo account.
    const next = createUserStore(file, { cost: 1024 });
    expect(next.get('demo')).toBeUndefined();
    expect(await next.verify('demo', password)).toBeUndefined();
  });

  it('never take over a real user of the same name: the in-memory one is named <name>-<random>', async () => {
    const file = join(dir, 'users.json');
    const logs = captureLog();
    const store = createUserStore(file, { cost: 1024, log: logs.log });
    await store.add('demo', 'admin', 'the real demo password');
    const { user, password } = await store.addEphemeral('demo', 'operator');
    expect(user.name).toMatch(/^demo-[0-9a-f]{6}$/);
    expect(await store.verify('demo', 'the real demo password')).toMatchObject({ name: 'demo', role: 'admin' });
    expect(await store.verify('demo', password)).toBeUndefined();
    expect(await store.verify(user.name, password)).toMatchObject({ role: 'operator' });
    expect(logs.lines('in-memory account gets another')).toHaveLength(1);
    expect(await readFile(file, 'utf8')).not.toContain(user.name);
  });
});

describe('a failure inside the live hub never escapes (it would end the whole centre)', () => {
  let catalogue: Catalogue;
  let hub: LiveHub | undefined;
  const unhandled: unknown[] = [];
  const previous = rxConfig.onUnhandledError;
  beforeAll(async () => {
    catalogue = await loadCatalogue('seeds/catalogue.json');
  });
  beforeEach(() => {
    // RxJS rethrows an error of a subscriber's callback asynchronously: in the centre an
    // uncaught exception. Captured here, so the test can say there was none.
    rxConfig.onUnhandledError = (err) => void unhandled.push(err);
  });
  afterEach(() => {
    hub?.close();
    hub = undefined;
    rxConfig.onUnhandledError = previous;
    unhandled.splice(0);
    vi.useRealTimers();
  });
  /** `value` may be one JSON cannot encode (a BigInt): a bug upstream the hub must survive. */
  const alert = (value: unknown = 160): Alert =>
    ({
      id: 'BN-YENPHONG-F001-NT1|COD|threshold',
      station: 'BN-YENPHONG-F001-NT1',
      zone: 'yen-phong',
      parameter: 'COD',
      rule: 'threshold',
      severity: 'critical',
      state: 'firing',
      message: 'COD above the limit',
      value,
      limit: 150,
      unit: 'mg/L',
      since: 1,
      updatedAt: 1,
    }) as Alert;

  it('logs a subscriber throw (an event that cannot be encoded, a bad reading) and carries on', () => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    const logs = captureLog();
    const readings$ = new Subject<Reading>();
    const alertEvents$ = new Subject<AlertEvent>();
    hub = createLiveHub({ catalogue, readings$, alertEvents$, log: logs.log });
    const ws = fakeSocket();
    hub.attach(ws.socket);
    alertEvents$.next({ type: 'raised', at: Date.now(), alert: alert(10n) });
    readings$.next(null as unknown as Reading);
    expect(unhandled).toEqual([]);
    expect(logs.lines('live hub:')[0]).toMatchObject({ level: 50 });
    // The streams are still served.
    alertEvents$.next({ type: 'raised', at: Date.now(), alert: alert() });
    expect(ws.frames().at(-1)?.type).toBe('alert');
    const s = catalogue.stations[0]!;
    const p = s.parameters[0]!;
    readings$.next({
      station: s.id,
      zone: catalogue.zoneOf(s.id)!.id,
      parameter: p.parameter,
      unit: p.unit,
      status: '00',
      ts: Date.now(),
      receivedAt: Date.now(),
      value: 1,
    });
    vi.advanceTimersByTime(300);
    expect(ws.frames().at(-1)?.type).toBe('delta');
    expect(unhandled).toEqual([]);
  });

  it('a frame that cannot be built (a value that will not serialise) is dropped, logged, and the clients resync', () => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    const logs = captureLog();
    const readings$ = new Subject<Reading>();
    const presence$ = new Subject<Presence>();
    hub = createLiveHub({ catalogue, readings$, presence$, log: logs.log });
    const ws = fakeSocket();
    hub.attach(ws.socket);
    const s = catalogue.stations[0]!;
    const p = s.parameters[0]!;
    const base = {
      station: s.id,
      zone: catalogue.zoneOf(s.id)!.id,
      parameter: p.parameter,
      unit: p.unit,
      receivedAt: Date.now(),
      value: 1,
      status: '00' as const,
    };
    readings$.next({ ...base, ts: Date.now() });
    // Readings are held as numbers, so nothing in one can break a frame; a presence update whose
    // serialisation throws stands in for whatever else might.
    presence$.next({
      station: s.id,
      state: 'online',
      ts: Date.now(),
      toJSON: () => {
        throw new Error('cannot serialise');
      },
    } as unknown as Presence);
    // The timer callback threw before: out of the interval, an uncaught exception.
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    expect(logs.lines('live hub: frame tick failed')).toHaveLength(1);
    readings$.next({ ...base, ts: Date.now() + 1 });
    vi.advanceTimersByTime(600);
    const types = ws.frames().map((f) => f.type);
    expect(types.lastIndexOf('snap')).toBeGreaterThan(0);
    expect(types.at(-1)).toBe('delta');
    expect(unhandled).toEqual([]);
  });

  it('drops a client whose socket throws on send; the others still get every frame', () => {
    vi.useFakeTimers({ now: 1_790_000_000_000 });
    const alertEvents$ = new Subject<AlertEvent>();
    const readings$ = new Subject<Reading>();
    hub = createLiveHub({ catalogue, readings$, alertEvents$, log: captureLog().log });
    const broken = fakeSocket();
    const healthy = fakeSocket();
    hub.attach(broken.socket);
    hub.attach(healthy.socket);
    (broken.socket as unknown as { send: () => void }).send = () => {
      throw new Error('WebSocket is not open: readyState 0 (CONNECTING)');
    };
    alertEvents$.next({ type: 'raised', at: Date.now(), alert: alert() });
    expect(unhandled).toEqual([]);
    expect(healthy.frames().map((f) => f.type)).toEqual(['snap', 'alert']);
    expect(broken.closed.terminated).toBe(true);
    expect(hub.stats().clients).toBe(1);
  });
});
