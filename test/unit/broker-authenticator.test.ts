import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCredentialStore, type CredentialStore } from '../../broker/index.js';
import { createAuthenticator, type Authenticator, type AuthenticatorOptions, type AuthFailureReason } from '../../broker/authenticator.js';
import { verifySecret } from '../../platform/index.js';
import { captureLog, type LogCapture } from '../helpers/log-capture.js';

describe('authenticator', () => {
  let dir: string;
  let store: CredentialStore;
  let auth: Authenticator;
  let logs: LogCapture;
  let failures: AuthFailureReason[];
  const attempt = (username: string | undefined, password: string | undefined, address = '10.0.0.1') =>
    auth.authenticate({ address, clientId: 'c1', username, password: password === undefined ? undefined : Buffer.from(password) });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-auth-'));
    store = createCredentialStore({ file: join(dir, 'credentials.json'), cost: 1024 });
    logs = captureLog();
    failures = [];
    auth = await createAuthenticator({
      store,
      log: logs.log,
      cost: 1024,
      maxFailuresPerMinute: 5,
      blockMs: 60_000,
      stationExists: (id) => id.startsWith('ST-'),
      onFailure: (r) => failures.push(r),
    });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts the right secret with the account's stations; 4 for a wrong one, an unknown user or none", async () => {
    const { password } = auth.provision({ id: 'GW-1', stations: ['ST-A01', 'ST-B02'] });
    const ok = await attempt('GW-1', password);
    expect(ok).toEqual({ ok: true, identity: { account: 'GW-1', role: 'gateway', stations: new Set(['ST-A01', 'ST-B02']) } });
    expect(await attempt('GW-1', password)).toMatchObject({ ok: true }); // the cached path
    expect(await attempt('GW-1', `${password}x`)).toEqual({ ok: false, returnCode: 4, reason: 'bad_password' });
    expect(await attempt('GW-2', password)).toEqual({ ok: false, returnCode: 4, reason: 'unknown_user' });
    expect(await attempt(undefined, undefined)).toEqual({ ok: false, returnCode: 4, reason: 'missing_credentials' });
    expect(failures).toEqual(['bad_password', 'unknown_user', 'missing_credentials']);
    expect(logs.lines('login refused').map((l) => l.address)).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.1']);
  });

  it('says "disabled" (5) only to a caller who proved the secret, and follows the file', async () => {
    const secret = await store.add({ id: 'ST-A01', role: 'gateway', stations: ['ST-A01'] });
    expect(await auth.reload()).toEqual([]); // the store wrote after the authenticator read: it notices
    expect(await attempt('ST-A01', secret)).toMatchObject({ ok: true });
    await store.setDisabled('ST-A01', true);
    expect(await auth.reload()).toEqual(['ST-A01']);
    expect(await attempt('ST-A01', secret)).toEqual({ ok: false, returnCode: 5, reason: 'disabled' });
    expect(await attempt('ST-A01', 'wrong')).toEqual({ ok: false, returnCode: 4, reason: 'bad_password' });
    await store.setDisabled('ST-A01', false);
    const rotated = await store.rotate('ST-A01');
    expect(await auth.reload()).toEqual(['ST-A01']);
    expect(await attempt('ST-A01', secret)).toMatchObject({ ok: false, returnCode: 4 }); // the old secret, though cached before
    expect(await attempt('ST-A01', rotated)).toMatchObject({ ok: true });
  });

  it('throttles an address after repeated failures, even for the right secret, and not other addresses', async () => {
    const { password } = auth.provision({ id: 'ST-A01' });
    for (let i = 0; i < 5; i++) expect(await attempt('ST-A01', 'guess')).toMatchObject({ reason: 'bad_password' });
    expect(await attempt('ST-A01', password)).toEqual({ ok: false, returnCode: 5, reason: 'throttled' });
    expect(await attempt('ST-A01', password, '10.0.0.2')).toMatchObject({ ok: true });
    expect(logs.lines('too many failed logins')).toHaveLength(1);
  });

  it('gives subscribers no stations and ignores stations not in the catalogue', async () => {
    const sub = auth.provision({ id: 'ops', role: 'subscriber' });
    expect(await attempt('ops', sub.password)).toEqual({ ok: true, identity: { account: 'ops', role: 'subscriber' } });
    const gw = auth.provision({ id: 'GW-9', stations: ['ST-A01', 'XX-NOT-HERE'] });
    const res = await attempt('GW-9', gw.password);
    expect(res.ok && res.identity.role === 'gateway' && [...res.identity.stations]).toEqual(['ST-A01']);
    expect(auth.provision({ id: 'GW-9' }).password).toBe(gw.password); // idempotent
  });

  it('never logs a secret', async () => {
    const { password } = auth.provision({ id: 'ST-A01' });
    await attempt('ST-A01', password);
    await attempt('ST-A01', 'not-the-secret-123');
    expect(logs.text()).not.toContain(password);
    expect(logs.text()).not.toContain('not-the-secret-123');
    // A secret typed into the user name field is not logged either (unknown users that do not look like station ids).
    await attempt(password, password);
    expect(logs.text()).not.toContain(password);
    await attempt('BN-NOT-PROVISIONED', 'x');
    expect(logs.lines('login refused').at(-1)).toMatchObject({ username: 'BN-NOT-PROVISIONED', reason: 'unknown_user' });
  });

  describe('under a burst of parallel logins', () => {
    let verified: number;
    /** An authenticator whose full secret checks are counted. */
    const counted = (extra: Partial<AuthenticatorOptions> = {}): Promise<Authenticator> =>
      createAuthenticator({
        store,
        log: logs.log,
        cost: 1024,
        maxFailuresPerMinute: 5,
        blockMs: 60_000,
        stationExists: (id) => id.startsWith('ST-'),
        onFailure: (r) => failures.push(r),
        verifySecret: (secret, hash) => {
          verified++;
          return verifySecret(secret, hash);
        },
        ...extra,
      });
    beforeEach(() => {
      verified = 0;
    });

    it('gateways behind one address all logging in at once are let in as the checks in flight end', async () => {
      auth = await counted();
      const accounts = Array.from({ length: 30 }, (_, i) => auth.provision({ id: `ST-N${String(i).padStart(2, '0')}` }));
      const outcomes = await Promise.all(accounts.map((a) => attempt(a.username, a.password)));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(verified).toBe(30);
    });

    it('checks at most maxFailuresPerMinute secrets from one address, and refuses the right one among the last', async () => {
      auth = await counted({ maxQueuedChecks: 1000 });
      const { password } = auth.provision({ id: 'ST-A01' });
      const wrong = Array.from({ length: 199 }, (_, i) => attempt('ST-A01', `guess-${i}`));
      const right = attempt('ST-A01', password);
      const outcomes = await Promise.all([...wrong, right]);
      expect(verified).toBeLessThanOrEqual(5);
      expect(outcomes.filter((o) => !o.ok && o.reason === 'bad_password')).toHaveLength(verified);
      expect(await right).toEqual({ ok: false, returnCode: 5, reason: 'throttled' }); // it waited for the checks in flight, then met the block
      expect(auth.throttle.blockedFor('10.0.0.1')).toBeGreaterThan(0);
      expect(await attempt('ST-A01', password)).toEqual({ ok: false, returnCode: 5, reason: 'throttled' });
    });

    it('refuses with CONNACK 3 "busy" when the checks waiting are at their bound, unknown users alike; a remembered secret still logs in', async () => {
      auth = await counted({ maxFailuresPerMinute: 1000, maxConcurrentChecks: 1, maxQueuedChecks: 2 });
      const { password } = auth.provision({ id: 'ST-A01' });
      expect(await attempt('ST-A01', password)).toMatchObject({ ok: true }); // checked once, remembered
      verified = 0;
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, i) => attempt(i % 2 === 0 ? 'ST-A01' : 'NO-SUCH-USER', `guess-${i}`, `10.1.0.${i}`)),
      );
      expect(verified).toBe(3); // one running, two waiting
      expect(burst.filter((o) => !o.ok && o.reason === 'busy')).toHaveLength(17);
      expect(burst.filter((o) => !o.ok && o.reason === 'busy').every((o) => !o.ok && o.returnCode === 3)).toBe(true);
      const [cached] = await Promise.all([attempt('ST-A01', password), ...Array.from({ length: 3 }, () => attempt('NO-SUCH-USER', 'x'))]);
      expect(cached).toMatchObject({ ok: true });
      expect(auth.checks()).toMatchObject({ active: 0, queued: 0 });
      // Busy is not a failure of the address: nothing was checked.
      expect(auth.throttle.blockedFor('10.1.0.0')).toBe(0);
    });
  });
});
