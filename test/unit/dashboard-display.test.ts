import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue, packagePath, type Catalogue } from '../../core/index.js';
import { createDisplayStore, runDisplayCommand, type DisplayStore } from '../../dashboard/index.js';
import { tokenHash } from '../../dashboard/server/display-tokens.js';

let dir: string;
let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue(packagePath('seeds', 'catalogue.json'));
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qt-display-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('display tokens (ACCOUNTS_DIR/displays.json)', () => {
  it('stores only the sha256 of the token, in a 0600 file, and opens the display by its token', async () => {
    const store = createDisplayStore(join(dir, 'displays.json'));
    const { display, token } = store.add('Lobby-Wall', ['province:Bắc Ninh'], catalogue);
    expect(display).toMatchObject({ name: 'lobby-wall', scope: ['province:Bắc Ninh'] });
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const text = await readFile(store.file, 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain(tokenHash(token));
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect(store.byToken(token)).toMatchObject({ name: 'lobby-wall' });
    const other = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(store.byToken(other)).toBeUndefined();
    expect(store.byToken('x'.repeat(43))).toBeUndefined();
  });

  it('lists, refuses a duplicate name and bad or unknown scopes, and removes', () => {
    const store = createDisplayStore(join(dir, 'displays.json'));
    const a = store.add('wall-1', ['country']);
    store.add('wall-2', ['zone:BN-YP', 'country']);
    expect(store.list().map((d) => [d.name, d.scope])).toEqual([
      ['wall-1', ['country']],
      ['wall-2', ['country']],
    ]);
    expect(() => store.add('WALL-1', ['country'])).toThrow(expect.objectContaining({ code: 'ERR_DISPLAY_EXISTS' }));
    expect(() => store.add('wall-3', ['everywhere'])).toThrow(expect.objectContaining({ code: 'ERR_BAD_SCOPE' }));
    expect(() => store.add('wall-3', [])).toThrow(expect.objectContaining({ code: 'ERR_BAD_SCOPE' }));
    expect(() => store.add('wall-3', ['zone:NOWHERE'], catalogue)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_SCOPE' }));
    expect(() => store.add('a:b', ['country'])).toThrow(expect.objectContaining({ code: 'ERR_BAD_USER_NAME' }));
    expect(store.remove('wall-1').name).toBe('wall-1');
    expect(store.byToken(a.token)).toBeUndefined();
    expect(() => store.remove('wall-1')).toThrow(expect.objectContaining({ code: 'ERR_NO_DISPLAY' }));
    expect(store.list().map((d) => d.name)).toEqual(['wall-2']);
  });

  it('a removal by another process (the CLI) is seen by the centre; a broken file keeps the last good copy', async () => {
    const file = join(dir, 'displays.json');
    const centre = createDisplayStore(file, { recheckMs: 0 });
    const cli = createDisplayStore(file);
    const { token } = cli.add('hall', ['country']);
    expect(centre.byToken(token)?.name).toBe('hall');
    cli.remove('hall');
    expect(centre.byToken(token)).toBeUndefined();
    const again = cli.add('hall-2', ['country']);
    expect(centre.get('hall-2')).toBeDefined();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, '{ not json');
    expect(centre.byToken(again.token)?.name).toBe('hall-2');
    expect(() => centre.list()).toThrow(expect.objectContaining({ code: 'ERR_DISPLAYS_FILE' }));
    expect(() => cli.add('hall-3', ['country'])).toThrow(expect.objectContaining({ code: 'ERR_DISPLAYS_FILE' }));
  });
});

describe('quantrac display', () => {
  const run = async (store: DisplayStore, args: string[], scope?: string[], json = false): Promise<string> => {
    let text = '';
    const code = await runDisplayCommand(args, { scope, json }, { store, baseUrl: 'https://qt.example.vn/', out: (t) => void (text += t) });
    expect(code).toBe(0);
    return text;
  };

  it('add prints the kiosk URL with the token once; list and remove', async () => {
    const store = createDisplayStore(join(dir, 'displays.json'));
    const added = await run(store, ['add', 'lobby'], ['zone:BN-YP']);
    const url = /kiosk URL: (\S+)/.exec(added)?.[1] ?? '';
    expect(url).toMatch(/^https:\/\/qt\.example\.vn\/#\/kiosk\?display=[\w-]{43}$/);
    const token = new URLSearchParams(url.split('?')[1]).get('display')!;
    expect(store.byToken(token)?.scope).toEqual(['zone:BN-YP']);
    const listed = await run(store, ['list']);
    expect(listed).toContain('lobby');
    expect(listed).not.toContain(token);
    expect(JSON.parse(await run(store, ['list'], undefined, true))).toEqual([
      expect.objectContaining({ name: 'lobby', scope: ['zone:BN-YP'] }),
    ]);
    expect(await run(store, ['remove', 'lobby'])).toContain('removed');
    expect(store.byToken(token)).toBeUndefined();
  });

  it('add needs an explicit --scope; unknown subcommands are usage errors', async () => {
    const store = createDisplayStore(join(dir, 'displays.json'));
    await expect(run(store, ['add', 'lobby'])).rejects.toMatchObject({ code: 'ERR_USAGE' });
    await expect(run(store, ['add'], ['country'])).rejects.toMatchObject({ code: 'ERR_USAGE' });
    await expect(run(store, ['rotate', 'lobby'])).rejects.toMatchObject({ code: 'ERR_USAGE' });
    expect(store.list()).toEqual([]);
  });

  it('the CLI command records add and remove in the audit log', async () => {
    const { display } = await import('../../cli/display-command.js');
    const { runAuditCommand } = await import('../../cli/audit-command.js');
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
    try {
      expect(await display(['add', 'hall', '--scope', 'country', '--data-dir', dir, '--url', 'http://wall.local:8080'])).toBe(0);
      expect(await display(['remove', 'hall', '--data-dir', dir])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(printed).toMatch(/kiosk URL: http:\/\/wall\.local:8080\/#\/kiosk\?display=/);
    expect(await readdir(dir)).toContain('displays.json');
    let text = '';
    await runAuditCommand(['--json'], { dataDir: dir, out: (t) => void (text += t), now: Date.now() });
    const actions = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { action: string; target: string }).action);
    expect(actions).toEqual(expect.arrayContaining(['display_add', 'display_remove']));
    expect(text).not.toMatch(/display=/);
  });
});
