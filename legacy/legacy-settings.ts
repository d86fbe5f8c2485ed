import { join, resolve } from 'node:path';
import type { Config } from '../core/index.js';
import type { LegacyAdapterOptions } from './legacy-adapter.js';

/** The legacy adapter's settings from the configuration (docs/CONFIGURATION.md, "Legacy text files"), for the drop folder `dropDir`. */
export function legacySettings(
  config: Config,
  dropDir: string,
): Pick<
  LegacyAdapterOptions,
  'dropDir' | 'archiveDir' | 'rejectedDir' | 'pollMs' | 'requireStationFolder' | 'maxFileBytes' | 'maxBadLines'
> {
  const legacyDir = join(resolve(config.DATA_DIR), 'legacy');
  return {
    dropDir: resolve(dropDir),
    archiveDir: resolve(config.LEGACY_ARCHIVE_DIR ?? join(legacyDir, 'archive')),
    rejectedDir: resolve(config.LEGACY_REJECTED_DIR ?? join(legacyDir, 'rejected')),
    pollMs: config.LEGACY_POLL_MS,
    requireStationFolder: config.LEGACY_REQUIRE_STATION_FOLDER,
    maxFileBytes: config.LEGACY_MAX_FILE_BYTES,
    maxBadLines: config.LEGACY_MAX_BAD_LINES,
  };
}
