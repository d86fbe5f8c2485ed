import { randomBytes } from 'node:crypto';
import { access, link, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { countsByProvince, describeClash, mergeCatalogues, type CatalogueSource } from '../core/catalogue-merge.js';
import { loadCatalogue, QuantracError, type CatalogueFile } from '../core/index.js';

export const CATALOGUE_USAGE = `  quantrac catalogue merge <province.json>... --out national.json [--force]
  quantrac catalogue check <catalogue.json>`;

const usage = (message: string): QuantracError => new QuantracError('ERR_USAGE', `${message}\nUsage:\n${CATALOGUE_USAGE}`);

const out = (text: string): boolean => process.stdout.write(text);

/**
 * `quantrac catalogue merge|check`: the national catalogue from the provinces' (docs/RELAY.md,
 * "The national catalogue"), and a catalogue's check with its counts per province.
 */
export async function catalogue(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, force: { type: 'boolean', default: false } },
    });
  } catch (err) {
    throw usage(`catalogue: ${(err as Error).message}`);
  }
  const [action, ...files] = parsed.positionals;
  if (action === 'merge') return merge(files, parsed.values.out, parsed.values.force);
  if (action === 'check') {
    if (files.length !== 1) throw usage('catalogue check: name one catalogue file');
    if (parsed.values.out !== undefined || parsed.values.force) throw usage('catalogue check takes no --out or --force');
    return check(files[0]!);
  }
  throw usage(action === undefined ? 'catalogue: which action?' : `catalogue: unknown action "${action}"`);
}

/** Loads a catalogue with loadCatalogue's validation; its error names the file, then the entry. */
async function load(path: string): Promise<CatalogueFile> {
  try {
    return await loadCatalogue(resolve(path));
  } catch (err) {
    if (err instanceof QuantracError) throw new QuantracError(err.code, `${path}: ${err.message}`);
    throw err;
  }
}

/** `catalogue check <file>`: validates it and prints its counts per province. */
async function check(path: string): Promise<number> {
  const file = await load(path);
  out(`${path}: a valid catalogue\n${countsTable(file)}`);
  return 0;
}

/** `catalogue merge <files>... --out FILE [--force]`: refuses clashes (each listed) and an existing FILE without --force. */
async function merge(files: string[], target: string | undefined, force: boolean): Promise<number> {
  if (files.length === 0) throw usage('catalogue merge: name the provinces’ catalogue files');
  if (target === undefined) throw usage('catalogue merge: --out FILE is required');
  if (!force && (await exists(target))) throw new QuantracError('ERR_EXISTS', `${target} exists; add --force to replace it`);
  const sources: CatalogueSource[] = [];
  for (const name of files) sources.push({ name, file: await load(name) });
  let result;
  try {
    result = mergeCatalogues(sources);
  } catch (err) {
    // Each file is valid alone, so this is the merged whole failing a check across files.
    if (err instanceof QuantracError) throw new QuantracError(err.code, `the merged catalogue: ${err.message}; nothing written`);
    throw err;
  }
  if (!result.ok) {
    const lines = result.clashes.map((c) => `  ${describeClash(c)}`);
    const n = result.clashes.length;
    throw new QuantracError(
      'ERR_CATALOGUE_CLASH',
      `${n} ${n === 1 ? 'clash' : 'clashes'} between the catalogues; nothing written:\n${lines.join('\n')}\n` +
        'An id must mean one thing in every file: rename one, or make both definitions the same.',
    );
  }
  await writeAtomically(target, `${JSON.stringify(result.catalogue, null, 2)}\n`, force);
  out(`wrote ${target} from ${files.length} ${files.length === 1 ? 'file' : 'files'}\n${countsTable(result.catalogue)}`);
  return 0;
}

/** PROVINCE ZONES FACILITIES STATIONS, one row per province, then the totals and the parameter count. */
export function countsTable(file: CatalogueFile): string {
  const counts = countsByProvince(file);
  const rows = [
    ['PROVINCE', 'ZONES', 'FACILITIES', 'STATIONS'],
    ...counts.map((c) => [c.province, String(c.zones), String(c.facilities), String(c.stations)]),
    ['total', String(file.zones.length), String(file.facilities.length), String(file.stations.length)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
  return `${table}\n${file.parameters.length} parameters\n`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a file whole or not at all: a temporary file in the same folder, fsynced, then renamed
 * over the target (--force) or hard-linked to it, which fails if the target appeared meanwhile;
 * then the folder is fsynced so the new name survives a crash.
 */
async function writeAtomically(target: string, text: string, force: boolean): Promise<void> {
  const dir = dirname(resolve(target));
  const tmp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    if (force) await rename(tmp, target);
    else await link(tmp, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new QuantracError('ERR_EXISTS', `${target} exists; add --force to replace it`);
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
