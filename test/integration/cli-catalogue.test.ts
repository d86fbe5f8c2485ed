import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type CatalogueFile } from '../../core/index.js';
import { runCli } from '../helpers/cli-process.js';
import { writeProvinceCatalogues } from '../helpers/two-centres.js';

const SEED = fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url));

/** Runs `quantrac <args>` in `cwd` to its end. */
async function quantrac(args: string[], cwd: string): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const proc = runCli(args, { LOG_LEVEL: 'silent' }, { cwd });
  const code = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

describe('quantrac catalogue merge|check', () => {
  let dir: string;
  let files: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quantrac-catalogue-cli-'));
    files = (await writeProvinceCatalogues(SEED, dir)).map((p) => p.file);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('merges the provinces into a national catalogue equal to the whole, checks it, and refuses to overwrite it without --force', async () => {
    const names = files.map((f) => f.slice(dir.length + 1));
    const merged = await quantrac(['catalogue', 'merge', ...names, '--out', 'national.json'], dir);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain(`wrote national.json from ${files.length} files`);
    // Bắc Ninh: one zone, its four outfalls, two stacks and the treatment plant's inlet and outlet.
    expect(merged.stdout).toMatch(/Bắc Ninh\s+1\s+\d+\s+8\n/);

    const whole = await loadCatalogue(SEED);
    const national = await loadCatalogue(join(dir, 'national.json'));
    expect(national.stations.map((s) => s.id).sort()).toEqual(whole.stations.map((s) => s.id).sort());
    expect(national.parameters).toEqual(whole.parameters);
    expect(national.zones).toEqual(whole.zones);
    for (const s of whole.stations) expect(national.station(s.id)).toEqual(s);

    const checked = await quantrac(['catalogue', 'check', 'national.json'], dir);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('national.json: a valid catalogue');
    expect(checked.stdout).toMatch(/^PROVINCE\s+ZONES\s+FACILITIES\s+STATIONS$/m);
    expect(checked.stdout).toMatch(
      new RegExp(`^total\\s+${whole.zones.length}\\s+${whole.facilities.length}\\s+${whole.stations.length}$`, 'm'),
    );
    expect(checked.stdout).toContain(`${whole.parameters.length} parameters`);

    const before = await readFile(join(dir, 'national.json'), 'utf8');
    const again = await quantrac(['catalogue', 'merge', names[0]!, '--out', 'national.json'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('national.json exists; add --force to replace it');
    expect(await readFile(join(dir, 'national.json'), 'utf8')).toBe(before);

    const forced = await quantrac(['catalogue', 'merge', names[0]!, '--out', 'national.json', '--force'], dir);
    expect(forced.code).toBe(0);
    const one = JSON.parse(await readFile(join(dir, 'national.json'), 'utf8')) as CatalogueFile;
    expect(one.stations).toHaveLength(JSON.parse(await readFile(files[0]!, 'utf8')).stations.length);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses clashes with the list of them, naming the files, and writes nothing', async () => {
    const first = JSON.parse(await readFile(files[0]!, 'utf8')) as CatalogueFile;
    const changed = structuredClone(first);
    changed.stations[0]!.intervalS += 60;
    changed.parameters[0]!.name = 'something else';
    await writeFile(join(dir, 'changed.json'), JSON.stringify(changed));
    const res = await quantrac(['catalogue', 'merge', files[0]!, 'changed.json', '--out', 'clash.json'], dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('2 clashes between the catalogues; nothing written');
    expect(res.stderr).toContain(`parameter "${first.parameters[0]!.symbol}": defined differently in ${files[0]}, changed.json`);
    expect(res.stderr).toContain(`station "${first.stations[0]!.id}": defined differently in ${files[0]}, changed.json`);
    expect(res.stderr).not.toContain('    at '); // a refusal, not a stack trace
    expect((await readdir(dir)).filter((f) => f.startsWith('clash') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('an invalid province file is refused with its name and the bad entry; check refuses it too', async () => {
    const bad = JSON.parse(await readFile(files[1]!, 'utf8')) as { stations: Array<{ parameters: Array<{ unit: string }> }> };
    bad.stations[0]!.parameters[0]!.unit = 'gallons/h';
    await writeFile(join(dir, 'bad.json'), JSON.stringify(bad));
    const merged = await quantrac(['catalogue', 'merge', files[0]!, 'bad.json', '--out', 'out.json'], dir);
    expect(merged.code).toBe(1);
    expect(merged.stderr).toMatch(/bad\.json: catalogue: stations\[0\] \([A-Z0-9-]+\)\.parameters\[0\]\.unit/);
    expect((await readdir(dir)).includes('out.json')).toBe(false);

    const checked = await quantrac(['catalogue', 'check', 'bad.json'], dir);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('gallons/h');
  });

  it('usage errors say what is missing', async () => {
    const noOut = await quantrac(['catalogue', 'merge', files[0]!], dir);
    expect(noOut.code).toBe(1);
    expect(noOut.stderr).toContain('--out FILE is required');
    const unknown = await quantrac(['catalogue', 'split', files[0]!], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown action "split"');
    expect(unknown.stderr).toContain('quantrac catalogue merge <province.json>... --out national.json [--force]');
  });
});
