import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCredentialStore, runGatewayCommand, type CredentialStore } from '../../broker/index.js';
import { verifySecret } from '../../platform/index.js';

const catalogue = { station: (id: string) => (['ST-A01', 'ST-B02', 'ST-C03'].includes(id) ? ({ id } as never) : undefined) };

describe('gateway credentials store and `quantrac gateway`', () => {
  let dir: string;
  let store: CredentialStore;
  let out: string;
  const run = (args: string[], flags: { role?: string; json?: boolean } = {}): Promise<number> =>
    runGatewayCommand(args, flags, {
      store,
      catalogue: async () => catalogue,
      out: (t) => {
        out += t;
      },
    });
  const secretIn = (text: string): string => /password {2}(\S+)/.exec(text)![1]!;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-cred-'));
    store = createCredentialStore({ file: join(dir, 'data', 'credentials.json'), cost: 1024 });
    out = '';
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds a station gateway: prints the secret once, stores only its hash, file mode 0600', async () => {
    expect(await run(['add', 'ST-A01'])).toBe(0);
    const secret = secretIn(out);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const text = await readFile(store.file, 'utf8');
    expect(text).not.toContain(secret);
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    const [account] = await store.read();
    expect(account).toMatchObject({ id: 'ST-A01', role: 'gateway', stations: ['ST-A01'], disabled: false });
    expect(await verifySecret(Buffer.from(secret), account!.hash)).toBe(true);

    out = '';
    await run(['list']);
    expect(out).toContain('ST-A01');
    expect(out).not.toContain(account!.hash);
    out = '';
    await run(['list'], { json: true });
    expect(JSON.parse(out)[0]).not.toHaveProperty('hash');
  });

  it('adds a gateway serving several catalogue stations, and refuses unknown stations or ids', async () => {
    await run(['add', 'GW-north', 'ST-A01', 'ST-B02']);
    expect((await store.read())[0]!.stations).toEqual(['ST-A01', 'ST-B02']);
    await expect(run(['add', 'GW-x', 'ST-A01', 'NOPE-9'])).rejects.toThrow(/not in the catalogue: NOPE-9/);
    await expect(run(['add', 'GW-y'])).rejects.toThrow(/not a station in the catalogue/);
    await expect(run(['add', 'GW-north', 'ST-C03'])).rejects.toThrow(/exists/);
    await expect(run(['add', 'a b'])).rejects.toThrow(/not an account id/);
    expect(await store.read()).toHaveLength(1);
  });

  it('adds a subscriber account with no stations', async () => {
    await run(['add', 'ops-team'], { role: 'subscriber' });
    expect((await store.read())[0]).toMatchObject({ id: 'ops-team', role: 'subscriber', stations: [] });
    await expect(run(['add', 'ops-2', 'ST-A01'], { role: 'subscriber' })).rejects.toThrow(/no stations/);
    await expect(run(['add', 'x-1'], { role: 'admin' })).rejects.toThrow(/--role/);
  });

  it('rotates (old secret stops working), disables and enables', async () => {
    await run(['add', 'ST-A01']);
    const first = secretIn(out);
    out = '';
    await run(['rotate', 'ST-A01']);
    const second = secretIn(out);
    expect(second).not.toBe(first);
    const hash = (await store.read())[0]!.hash;
    expect(await verifySecret(Buffer.from(first), hash)).toBe(false);
    expect(await verifySecret(Buffer.from(second), hash)).toBe(true);
    await run(['disable', 'ST-A01']);
    expect((await store.read())[0]!.disabled).toBe(true);
    await run(['enable', 'ST-A01']);
    expect((await store.read())[0]!.disabled).toBe(false);
    await expect(run(['disable', 'ST-B02'])).rejects.toThrow(/no account "ST-B02"/);
    await expect(run(['frob', 'ST-A01'])).rejects.toThrow(/unknown action/);
  });

  it('names the bad entry of a damaged file, and tells when the file changed', async () => {
    expect(await store.read()).toEqual([]);
    expect(await store.readIfChanged()).toBeUndefined();
    await run(['add', 'ST-A01']);
    expect(await store.readIfChanged()).toHaveLength(1); // written since the last read
    expect(await store.readIfChanged()).toBeUndefined();
    const raw = JSON.parse(await readFile(store.file, 'utf8'));
    raw.accounts[0].stations = ['lower-case'];
    await writeFile(store.file, JSON.stringify(raw));
    await expect(store.readIfChanged()).rejects.toThrow(/accounts\.0\.stations\.0/);
    await writeFile(store.file, '{');
    await expect(store.read()).rejects.toThrow(/not JSON/);
  });
});
