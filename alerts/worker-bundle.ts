import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '../core/index.js';
import { systemClock, type Clock } from '../platform/index.js';

const PROJECT = fileURLToPath(new URL('..', import.meta.url));
let built: Promise<URL> | undefined;

/**
 * The alerts worker's entry file. The centre runs its TypeScript through tsx, whose loader
 * costs a worker about 55 MB (a hooks thread and its own compiler state): instead the worker's
 * sources are bundled once with esbuild into one JavaScript file under
 * node_modules/.cache/quantrac (named by its content; packages stay imports, resolved from the
 * project's node_modules). Should that fail (a read-only install), the worker runs through tsx.
 */
export function alertsWorkerEntry(log: Logger): Promise<URL> {
  built ??= bundle().catch((err: Error) => {
    log.warn({ err: err.message }, 'could not bundle the alerts worker; it runs its TypeScript through tsx (about 55 MB more)');
    return new URL('./worker-boot.mjs', import.meta.url);
  });
  return built;
}

async function bundle(): Promise<URL> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(PROJECT, 'alerts', 'worker.ts')],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const dir = join(PROJECT, 'node_modules', '.cache', 'quantrac');
  const file = join(dir, `alerts-worker-${hash}.mjs`);
  const present = await stat(file).then(
    (s) => s.size === code.length,
    () => false,
  );
  if (!present) {
    await mkdir(dir, { recursive: true });
    // Written aside and renamed: centres starting together never run a half-written file.
    const tmp = `${file}.${process.pid}.${systemClock.now()}.tmp`;
    await writeFile(tmp, code);
    await rename(tmp, file);
    await pruneBundles(dir, file);
  }
  return pathToFileURL(file);
}

/** Old bundles are kept a day (a centre of the previous version may still be starting), then removed. */
const KEEP_OLD_BUNDLES_MS = 24 * 3_600_000;

/**
 * Removes the bundles of earlier versions (and files left half-written by a crash) once they
 * are older than a day: each code change writes a new bundle, and nothing else would remove
 * the old ones. Best effort: a file that cannot be removed stays.
 */
export async function pruneBundles(dir: string, current: string, clock: Clock = systemClock): Promise<string[]> {
  const now = clock.now();
  const removed: string[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const path = join(dir, name);
    if (path === current || !/^alerts-worker-[0-9a-f]+\.mjs(\.\d+\.\d+\.tmp)?$/.test(name)) continue;
    const old = await stat(path).then(
      (st) => now - st.mtimeMs > KEEP_OLD_BUNDLES_MS,
      () => false,
    );
    if (
      old &&
      (await unlink(path).then(
        () => true,
        () => false,
      ))
    )
      removed.push(name);
  }
  return removed;
}
