import { readFile, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Catalogue, Station } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import { archiveSlot, freeName, moveFile, sha256, writeReason, type ArchiveSlot } from './file-store.js';
import { createNameMatcher } from './legacy-file-name.js';
import { describeError, type LegacyError, type LegacyFileResult } from './legacy-types.js';
import type { LineAdmission } from './line-admission.js';
import { parseLegacyFile } from './parse-legacy-file.js';

export interface FileProcessorOptions {
  dropDir: string;
  archiveDir: string;
  rejectedDir: string;
  catalogue: Catalogue;
  admission: LineAdmission;
  requireStationFolder: boolean;
  maxFileBytes: number;
  clock: Clock;
  /** Called with every finished file (logged and published by the adapter). */
  finish: (result: LegacyFileResult) => LegacyFileResult;
}

/** A settled file (`size` held over two scans) to its result; undefined when it grew since and must wait. */
export type ProcessFile = (file: string, size: number) => Promise<LegacyFileResult | undefined>;

/** A file known to be a station's, read, hashed and given its archive place. */
interface NamedFile {
  file: string;
  path: string;
  bytes: Buffer;
  header: string[];
  station: Station;
  slot: ArchiveSlot;
}

/**
 * One legacy file from the drop folder to its place: the archive (stored, partly stored or a
 * re-delivery) or the rejected folder, each with a reason file naming what was refused
 * (docs/DOMAIN.md, "Legacy file format": keep every raw file).
 */
export function createFileProcessor(options: FileProcessorOptions): ProcessFile {
  const { clock, finish, maxFileBytes } = options;
  const matchName = createNameMatcher(options.catalogue);

  const reject = async (
    file: string,
    path: string,
    header: string[],
    errors: LegacyError[],
    station?: string,
  ): Promise<LegacyFileResult> => {
    const keptAt = await freeName(options.rejectedDir, basename(file));
    await moveFile(path, keptAt);
    const reasonAt = await writeReason(keptAt, [...header, 'outcome: rejected, nothing stored', ...errors.map(describeError)]);
    return finish({ file, station, outcome: 'rejected', accepted: 0, rejected: errors.length, errors, keptAt, reasonAt });
  };

  const store = async ({ file, path, bytes, header, station, slot }: NamedFile): Promise<LegacyFileResult> => {
    const parsed = parseLegacyFile(bytes, station);
    header.push(`encoding: ${parsed.encoding}`);
    const lineErrs: LegacyError[] = parsed.errors.map((e) => ({ line: e.line, code: e.code, message: `${e.message}: ${e.text}` }));
    if (parsed.lines.length === 0) {
      const why =
        bytes.length === 0
          ? [{ code: 'empty_file', message: 'the file is empty' }]
          : [{ code: 'nothing_parseable', message: 'no line of the file is a reading' }, ...lineErrs];
      return reject(file, path, header, why, station.id);
    }
    const { accepted, errors } = await options.admission.admitLines(station.id, parsed.lines, file);
    const all = [...lineErrs, ...errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    if (accepted === 0) return reject(file, path, header, all, station.id);
    await moveFile(path, slot.path);
    const rejectedLines = new Set(all.map((e) => e.line)).size;
    let reasonAt: string | undefined;
    if (all.length > 0)
      reasonAt = await writeReason(slot.path, [
        ...header,
        `outcome: partly stored, ${accepted} readings stored, ${rejectedLines} lines rejected`,
        ...all.map(describeError),
      ]);
    const outcome = all.length > 0 ? 'partial' : 'stored';
    return finish({ file, station: station.id, outcome, accepted, rejected: rejectedLines, errors: all, keptAt: slot.path, reasonAt });
  };

  return async (file, size) => {
    const path = join(options.dropDir, file);
    const received = (): string => `received: ${new Date(clock.now()).toISOString()}`;
    if (size > maxFileBytes) {
      const tooLarge = { code: 'too_large', message: `${size} bytes, more than ${maxFileBytes}: not a legacy cycle file` };
      return reject(file, path, [`file: ${file}`, received()], [tooLarge]);
    }
    const bytes = await readFile(path);
    if (bytes.length !== size) return undefined; // grew between stat and read: wait for it to settle
    const hash = sha256(bytes);
    const header = [`file: ${file}`, received(), `sha256: ${hash}`];
    const match = matchName(basename(file));
    if (!match.ok) return reject(file, path, header, [{ code: match.code, message: match.message }]);
    const { station, stamp } = match.name;
    header.push(`station: ${station.id} (prefix ${match.name.prefix})`);
    if (options.requireStationFolder && !inStationFolder(file, station)) {
      // Checked before the archive: a file from the wrong folder is never a "re-delivery" either.
      return reject(file, path, header, [wrongFolder(station)], station.id);
    }
    const slot = await archiveSlot(options.archiveDir, stamp, basename(file), hash);
    if (slot.duplicate) {
      // Re-delivery (FTP retry, operator copy): already stored; the points are idempotent anyway.
      await unlink(path);
      return finish({ file, station: station.id, outcome: 'duplicate', accepted: 0, rejected: 0, errors: [], keptAt: slot.path });
    }
    return store({ file, path, bytes, header, station, slot });
  };
}

function wrongFolder(station: Station): LegacyError {
  const folders = [...new Set([station.id, station.legacyPrefix ?? station.id])].map((n) => `"${n}/"`).join(' or ');
  return {
    code: 'wrong_folder',
    message: `a file of station ${station.id} is accepted only under its own folder ${folders} of the drop folder (LEGACY_REQUIRE_STATION_FOLDER)`,
  };
}

/**
 * Whether the file sits under the station's own folder: the FIRST folder below the drop folder
 * (the FTP account's home, where it is chrooted) must be named after the station's id or legacy
 * prefix (case-insensitive, as FTP servers may change case). Deeper folders inside it are the
 * account's own; a folder named after another station deeper down, which any account could
 * create in its home, does not count.
 */
function inStationFolder(file: string, station: Station): boolean {
  const parts = file.split(/[\\/]/);
  if (parts.length < 2) return false;
  const top = parts[0]!.toUpperCase();
  return top === station.id.toUpperCase() || (station.legacyPrefix !== undefined && top === station.legacyPrefix.toUpperCase());
}
