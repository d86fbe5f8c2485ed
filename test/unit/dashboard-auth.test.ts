import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret, verifySecret } from '../../platform/index.js';
import { createUserStore, roleAtLeast } from '../../dashboard/server/user-store.js';
import { createSessionStore } from '../../dashboard/server/session-store.js';
import { createLoginThrottle, type LoginThrottle, type LoginTry } from '../../dashboard/server/login-throttle.js';
import { runUserCommand } from '../../dashboard/server/user-command.js';

/** scrypt N = 1024, the dashboard's minimum cost (platform's one hash format). */
const CHEAP = 1024;

describe('password hashes', () => {
  it('verifies the right password and refuses a wrong one or a malformed hash', async () => {
    const h = await hashSecret('correct horse battery', CHEAP, CHEAP);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(h).not.toContain('correct horse');
    expect(await verifySecret('correct horse battery', h)).toBe(true);
    expect(await verifySecret('correct horse batterY', h)).toBe(false);
    expect(await verifySecret('x', 'scrypt$1024$8$1$AAAA')).toBe(false);
    expect(await verifySecret('x', 'md5$abc')).toBe(false);
  });

  it('the user store never hashes below scrypt N = 1024, whatever is configured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qt-users-'));
    try {
      await expect(createUserStore(join(dir, 'users.json'), { cost: 512 }).add('low.cost', 'viewer')).rejects.toThrow(RangeError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashSecret('same password!', CHEAP, CHEAP)).not.toBe(await hashSecret('same password!', CHEAP, CHEAP));
  });
});

describe('user store (DATA_DIR/users.json)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-users-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds users with scrypt hashes only, in a 0600 file, and verifies them', async () => {
    const file = join(dir, 'users.json');
    const store = createUserStore(file, { cost: 1024 });
    const { password, user } = await store.add('Inspector.An', 'viewer');
    expect(user).toMatchObject({ name: 'inspector.an', role: 'viewer', disabled: false });
    expect(password.length).toBeGreaterThanOrEqual(16);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(password);
    expect(text).toContain('scrypt$');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await store.verify('inspector.an', password)).toMatchObject({ name: 'inspector.an' });
    expect(await store.verify('INSPECTOR.AN', password)).toBeDefined();
    expect(await store.verify('inspector.an', `${password}x`)).toBeUndefined();
    expect(await store.verify('nobody', password)).toBeUndefined();
    await expect(store.add('inspector.an', 'admin')).rejects.toThrow(/exists/);
    await expect(store.add('x', 'viewer')).rejects.toThrow();
    await expect(store.add('weak', 'viewer', 'short')).rejects.toThrow(/at least 10/);
  });

  it('a disabled user cannot log in; another process sees changes (shared file)', async () => {
    const file = join(dir, 'users.json');
    const centre = createUserStore(file, { recheckMs: 0, cost: 1024 });
    const cli = createUserStore(file, { cost: 1024 });
    const { password } = await cli.add('oncall', 'operator', 'a long enough secret');
    expect(await centre.verify('oncall', password)).toMatchObject({ role: 'operator' });
    cli.disable('oncall');
    expect(centre.get('oncall')?.disabled).toBe(true);
    expect(await centre.verify('oncall', password)).toBeUndefined();
    cli.enable('oncall');
    cli.setRole('oncall', 'admin');
    expect(centre.get('oncall')).toMatchObject({ disabled: false, role: 'admin' });
    const fresh = await cli.setPassword('oncall');
    expect(await centre.verify('oncall', password)).toBeUndefined();
    expect(await centre.verify('oncall', fresh)).toBeDefined();
  });

  it('the CLI prints a generated password once and lists users without hashes', async () => {
    const store = createUserStore(join(dir, 'users.json'), { cost: 1024 });
    let out = '';
    const io = { store, out: (t: string) => void (out += t), readPassword: async () => 'from stdin 12345\n' };
    expect(await runUserCommand(['add', 'thanh.tra'], {}, io)).toBe(0);
    const printed = /password: (\S+)/.exec(out)?.[1];
    expect(printed).toBeDefined();
    expect(await store.verify('thanh.tra', printed!)).toBeDefined();
    out = '';
    await runUserCommand(['add', 'truc.ban'], { role: 'operator', passwordStdin: true }, io);
    expect(out).not.toContain('password:');
    expect(await store.verify('truc.ban', 'from stdin 12345')).toMatchObject({ role: 'operator' });
    out = '';
    await runUserCommand(['disable', 'thanh.tra'], {}, io);
    await runUserCommand(['list'], {}, io);
    expect(out).toMatch(/thanh\.tra\s+viewer\s+disabled/);
    expect(out).toMatch(/truc\.ban\s+operator\s+enabled/);
    expect(out).not.toContain('scrypt');
    await expect(runUserCommand(['role', 'truc.ban', 'boss'], {}, io)).rejects.toThrow(/role must be/);
  });

  it('ranks roles viewer < operator < admin', () => {
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(roleAtLeast('operator', 'operator')).toBe(true);
    expect(roleAtLeast('admin', 'operator')).toBe(true);
    expect(roleAtLeast('operator', 'admin')).toBe(false);
  });
});

describe('sessions', () => {
  it('end after the idle time or the maximum age, and per user on demand', () => {
    let now = 0;
    const sessions = createSessionStore({ idleMs: 1000, maxAgeMs: 5000, clock: { now: () => now } });
    const { token, session } = sessions.create('an');
    expect(token).not.toBe(session.id);
    expect(sessions.get(token)?.user).toBe('an');
    now = 900;
    expect(sessions.get(token)).toBeDefined(); // activity at 900
    now = 1800;
    expect(sessions.get(token)).toBeDefined(); // 900 ms idle
    now = 2900;
    expect(sessions.get(token)).toBeUndefined(); // 1100 ms idle
    const b = sessions.create('binh');
    for (now = 3000; now < 8000; now += 500) sessions.touch(b.session.id);
    expect(sessions.get(b.token)).toBeUndefined(); // past 5 s in all
    const c = sessions.create('chi');
    const d = sessions.create('chi');
    expect(sessions.destroyUser('chi').sort()).toEqual([c.session.id, d.session.id].sort());
    expect(sessions.get(c.token)).toBeUndefined();
    expect(sessions.get('not-a-token-at-all-0123456789')).toBeUndefined();
    expect(sessions.get(undefined)).toBeUndefined();
  });

  it('keeps a bounded number of sessions per user', () => {
    const sessions = createSessionStore({ idleMs: 1e9, maxAgeMs: 1e9, perUser: 3 });
    const tokens = Array.from({ length: 5 }, () => sessions.create('spray').token);
    expect(tokens.filter((t) => sessions.get(t) !== undefined)).toHaveLength(3);
    expect(sessions.get(tokens[4])).toBeDefined();
  });
});

describe('login throttle', () => {
  /** One attempt that fails (its reservation must be granted). */
  const fail = async (th: LoginThrottle, address: string, user: string): Promise<void> => {
    const t = await th.begin(address, user);
    if ('retryAfterMs' in t) throw new Error(`refused for ${t.retryAfterMs} ms`);
    t.failed();
  };

  it('locks an address, and a user name from that address, after N failures in the window; success clears', async () => {
    let now = 0;
    const th = createLoginThrottle({ maxFailures: 3, windowMs: 60_000, lockMs: 300_000, clock: { now: () => now } });
    for (let i = 0; i < 2; i++) await fail(th, '10.0.0.1', 'an');
    expect(th.blockedFor('10.0.0.1', 'an')).toBe(0);
    await fail(th, '10.0.0.1', 'an');
    expect(th.blockedFor('10.0.0.1', 'someone')).toBe(300_000);
    expect(await th.begin('10.0.0.1', 'someone')).toEqual({ retryAfterMs: 300_000 });
    expect(th.blockedFor('10.0.0.2', 'an')).toBe(0); // the name is locked at that address only
    expect(th.blockedFor('10.0.0.2', 'binh')).toBe(0);
    now = 300_001;
    expect(th.blockedFor('10.0.0.1', 'an')).toBe(0);
    // failures spread beyond the window do not add up
    for (let i = 0; i < 5; i++) {
      now += 61_000;
      await fail(th, '10.0.0.3', `user${i}`);
    }
    expect(th.blockedFor('10.0.0.3', 'x')).toBe(0);
    await fail(th, '10.0.0.4', 'chi');
    await fail(th, '10.0.0.4', 'chi');
    const ok = await th.begin('10.0.0.4', 'chi');
    if ('retryAfterMs' in ok) throw new Error('refused');
    ok.succeeded();
    await fail(th, '10.0.0.4', 'chi');
    expect(th.blockedFor('10.0.0.4', 'chi')).toBe(0);
  });

  it('ten wrong passwords for admin from one address lock that address for admin, never admin from elsewhere', async () => {
    let now = 0;
    const th = createLoginThrottle({ maxFailures: 10, windowMs: 15 * 60_000, lockMs: 300_000, clock: { now: () => now } });
    for (let i = 0; i < 10; i++) await fail(th, '203.0.113.1', 'admin');
    expect(th.blockedFor('203.0.113.1', 'admin')).toBe(300_000);
    expect(th.blockedFor('198.51.100.2', 'admin')).toBe(0);
    // Many addresses guessing admin: past the name's free failures (2 x 10), one try at a time with a short, capped wait.
    for (let i = 0; i < 10; i++) await fail(th, `192.0.2.${i}`, 'admin');
    expect(th.blockedFor('198.51.100.2', 'admin')).toBe(1000);
    expect(await th.begin('198.51.100.2', 'admin')).toEqual({ retryAfterMs: 1000 });
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const wait = th.blockedFor(`198.18.0.${i}`, 'admin');
      waits.push(wait);
      now += wait;
      await fail(th, `198.18.0.${i}`, 'admin');
    }
    expect(Math.max(...waits)).toBe(30_000);
    expect(th.blockedFor('198.51.100.2', 'admin')).toBeLessThanOrEqual(30_000);
  });

  it('a burst of parallel attempts gets no more checks than a sequence: the rest wait, then meet the lock', async () => {
    const th = createLoginThrottle({ maxFailures: 10, windowMs: 15 * 60_000, lockMs: 300_000, clock: { now: () => 0 } });
    let checked = 0;
    const login = async (i: number): Promise<number> => {
      const t = await th.begin('203.0.113.1', `name${i}`);
      if ('retryAfterMs' in t) return t.retryAfterMs;
      checked++;
      await new Promise((r) => setImmediate(r));
      t.failed();
      return 0;
    };
    const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => login(i)));
    expect(checked).toBe(10);
    expect(outcomes.filter((o) => o === 300_000)).toHaveLength(90);
    // A cancelled attempt (the check could not run) counts nothing.
    const other = (await th.begin('198.51.100.2', 'admin')) as LoginTry;
    other.cancelled();
    expect(th.blockedFor('198.51.100.2', 'admin')).toBe(0);
  });

  it('a burst from one address of which the first succeed is let in as their places free', async () => {
    const th = createLoginThrottle({ maxFailures: 3, windowMs: 15 * 60_000, lockMs: 300_000, clock: { now: () => 0 } });
    const login = async (i: number): Promise<boolean> => {
      const t = await th.begin('203.0.113.1', `colleague${i}`);
      if ('retryAfterMs' in t) return false;
      await new Promise((r) => setImmediate(r));
      t.succeeded();
      return true;
    };
    expect(await Promise.all(Array.from({ length: 12 }, (_, i) => login(i)))).toEqual(Array(12).fill(true));
  });
});
