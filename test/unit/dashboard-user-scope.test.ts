import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue, packagePath, type Catalogue } from '../../core/index.js';
import { runUserCommand } from '../../dashboard/server/user-command.js';
import { checkUserScope, createScopeResolver, normaliseScope, scopeChoices } from '../../dashboard/server/user-scope.js';
import { createUserStore } from '../../dashboard/server/user-store.js';

const codeOf = async (f: () => unknown): Promise<string> => {
  try {
    await f();
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('user scopes (docs/SECURITY.md, "Access by level")', () => {
  let catalogue: Catalogue;
  let dir: string;
  beforeAll(async () => {
    catalogue = await loadCatalogue(packagePath('seeds', 'catalogue.json'));
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-user-scope-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('normalises scope texts: NFC, duplicates dropped, country alone covers the rest; bad text and none refused', async () => {
    expect(normaliseScope(['zone:YENPHONG', ' zone:YENPHONG ', 'province:Ha\u0300 Nội'])).toEqual(['zone:YENPHONG', 'province:Hà Nội']);
    expect(normaliseScope(['zone:YENPHONG', 'country'])).toEqual(['country']);
    expect(await codeOf(() => normaliseScope([]))).toBe('ERR_BAD_SCOPE');
    expect(await codeOf(() => normaliseScope(['region:north']))).toBe('ERR_BAD_SCOPE');
    expect(await codeOf(() => normaliseScope(['zone:a\nb']))).toBe('ERR_BAD_SCOPE');
  });

  it('a facility scope is only facilities and only a viewer; unknown entries are refused with their list', async () => {
    expect(checkUserScope('viewer', ['facility:F001', 'facility:F002'], catalogue)).toEqual(['facility:F001', 'facility:F002']);
    expect(await codeOf(() => checkUserScope('operator', ['facility:F001'], catalogue))).toBe('ERR_FACILITY_SCOPE');
    expect(await codeOf(() => checkUserScope('viewer', ['facility:F001', 'zone:YENPHONG'], catalogue))).toBe('ERR_FACILITY_SCOPE');
    expect(() => checkUserScope('admin', ['province:Bac Ninh', 'zone:NOPE', 'zone:DINHVU'], catalogue)).toThrow(
      /not in the catalogue: province:Bac Ninh, zone:NOPE/,
    );
  });

  it('resolves a scope once per distinct text; a broken text sees nothing', () => {
    const resolve = createScopeResolver(catalogue);
    const a = resolve(['province:Bắc Ninh']);
    expect(resolve(['province:Bắc Ninh'])).toBe(a);
    expect(a.has('BN-YENPHONG-F001-NT1')).toBe(true);
    expect(a.has('HN-QUANGMINH-F005-NT1')).toBe(false);
    expect(resolve(['bogus']).stationIds()).toEqual([]);
    expect(resolve(['country']).all).toBe(true);
    expect(createScopeResolver(undefined)(['zone:YENPHONG']).has('BN-YENPHONG-F001-NT1')).toBe(false);
  });

  it('lists every scope of the catalogue: country, provinces with zone counts, zones, facilities', () => {
    const choices = scopeChoices(catalogue);
    expect(choices[0]).toMatchObject({ scope: 'country', kind: 'country' });
    expect(choices.filter((c) => c.kind === 'province')).toHaveLength(new Set(catalogue.zones.map((z) => z.province)).size);
    expect(choices).toContainEqual({ scope: 'province:Bắc Ninh', kind: 'province', label: 'Bắc Ninh', zones: 1 });
    expect(choices.filter((c) => c.kind === 'zone')).toHaveLength(catalogue.zones.length);
    expect(choices.filter((c) => c.kind === 'facility')).toHaveLength(catalogue.facilities.length);
  });

  it('a users file from before scopes keeps working: every user sees the whole country', async () => {
    const file = join(dir, 'users.json');
    const store = createUserStore(file, { cost: 1024 });
    await store.add('old.user', 'operator', 'a long enough secret');
    const raw = JSON.parse(await readFile(file, 'utf8')) as { users: Array<Record<string, unknown>> };
    delete raw.users[0]!['scope'];
    await writeFile(file, JSON.stringify(raw));
    expect(createUserStore(file, { cost: 1024 }).get('old.user')).toMatchObject({ role: 'operator', scope: ['country'] });
  });

  it('the store keeps the facility rule on role and scope changes, and checks against its catalogue', async () => {
    const store = createUserStore(join(dir, 'users.json'), { cost: 1024, catalogue: () => catalogue });
    await store.add('cong.ty', 'viewer', 'a long enough secret', ['facility:F001']);
    expect(await codeOf(() => store.setRole('cong.ty', 'operator'))).toBe('ERR_FACILITY_SCOPE');
    expect(await codeOf(() => store.add('typo', 'viewer', undefined, ['zone:YENFONG']))).toBe('ERR_UNKNOWN_SCOPE');
    expect(store.list().map((u) => u.name)).toEqual(['cong.ty']);
    await store.setScope('cong.ty', ['zone:YENPHONG']);
    expect(store.setRole('cong.ty', 'operator')).toMatchObject({ role: 'operator', scope: ['zone:YENPHONG'] });
    expect(await codeOf(() => store.setScope('cong.ty', ['facility:F001']))).toBe('ERR_FACILITY_SCOPE');
  });

  it('the CLI: add with --scope (repeatable, default country), scope to replace, scopes to list, list shows it, unknown refused', async () => {
    const store = createUserStore(join(dir, 'users.json'), { cost: 1024 });
    let out = '';
    let loads = 0;
    const io = {
      store,
      out: (t: string) => void (out += t),
      readPassword: async () => '',
      catalogue: async () => {
        loads++;
        return catalogue;
      },
    };
    await runUserCommand(['add', 'bac.ninh'], { role: 'operator', scope: ['province:Bắc Ninh', 'zone:DINHVU'] }, io);
    expect(out).toContain('scope province:Bắc Ninh, zone:DINHVU');
    await runUserCommand(['add', 'ca.nuoc'], {}, io);
    expect(store.get('ca.nuoc')?.scope).toEqual(['country']);
    await expect(runUserCommand(['add', 'typo'], { scope: ['province:Bac Ninh'] }, io)).rejects.toThrow(/province:Bac Ninh/);
    await expect(runUserCommand(['add', 'cty'], { role: 'admin', scope: ['facility:F001'] }, io)).rejects.toMatchObject({
      code: 'ERR_FACILITY_SCOPE',
    });
    expect(store.get('typo')).toBeUndefined();

    await runUserCommand(['scope', 'bac.ninh'], { scope: ['zone:YENPHONG'] }, io);
    expect(store.get('bac.ninh')).toMatchObject({ role: 'operator', scope: ['zone:YENPHONG'] });
    await expect(runUserCommand(['scope', 'bac.ninh'], {}, io)).rejects.toMatchObject({ code: 'ERR_USAGE' });
    await expect(runUserCommand(['scope', 'bac.ninh'], { scope: ['facility:F001'] }, io)).rejects.toMatchObject({
      code: 'ERR_FACILITY_SCOPE',
    });

    out = '';
    await runUserCommand(['list'], {}, io);
    expect(out).toMatch(/bac\.ninh\s+operator\s+enabled\s+\S+\s+zone:YENPHONG/);
    expect(out).toMatch(/ca\.nuoc\s+viewer\s+enabled\s+\S+\s+country/);

    out = '';
    await runUserCommand(['scopes'], {}, io);
    expect(out.split('\n')[0]).toBe('country');
    expect(out).toContain('province:Bắc Ninh  (1 zone)');
    expect(out).toContain('zone:YENPHONG  Yên Phong');
    expect(out).toContain(`facility:F001  ${catalogue.facility('F001')!.name}`);
    out = '';
    await runUserCommand(['scopes'], { json: true }, io);
    expect(JSON.parse(out)).toContainEqual(expect.objectContaining({ scope: 'zone:DINHVU', kind: 'zone' }));

    // The catalogue is loaded only by the commands that need it.
    const before = loads;
    await runUserCommand(['disable', 'ca.nuoc'], {}, io);
    expect(loads).toBe(before);
    await expect(runUserCommand(['scopes'], {}, { ...io, catalogue: undefined })).rejects.toMatchObject({ code: 'ERR_USAGE' });
  });
});
