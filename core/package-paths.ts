import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'quantrac';

/**
 * The folder of the nearest package.json named "quantrac" at or above `from`. Walking up
 * (rather than taking `..`) also finds the root from the alerts worker's bundle, which runs
 * from node_modules/.cache/quantrac/ (alerts/worker-bundle.ts).
 */
export function findPackageRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === PACKAGE_NAME) return dir;
    } catch {
      // no package.json here, or not JSON: look further up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The installed package's root folder (the one holding package.json, seeds/ and dashboard/),
 * found from this module's own location, so that `quantrac start` finds its default files
 * from any working directory. The operator's paths (DATA_DIR, and any file named in the
 * environment or on the command line) stay relative to the working directory.
 */
export const PACKAGE_ROOT = findPackageRoot(HERE) ?? dirname(HERE);

/** A file shipped with the package, e.g. `packagePath('seeds', 'catalogue.json')`. */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/** The dashboard's production build (Vite's outDir, dashboard/web/vite.config.ts). */
export const WEB_DIST = packagePath('dashboard', 'web', 'dist');
