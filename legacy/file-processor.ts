import { unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Catalogue, Station } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import { archiveSlot, exists, freeName, moveFile, readSettled, sha256, writeReason, type ArchiveSlot } from './file-store.js';
import { createNameMatcher } from './legacy-file-name.js';
import type { LegacyError, LegacyFileResult } from './legacy-types.js';
import { AdmissionFailed, type LineAdmission } from './line-admission.js';
import { parseLegacyFile, quote } from './parse-legacy-file.js';
import { ReasonList } from './reason-list.js';

export interface FileProcessorOptions {
  dropDir: string;
  archiveDir: string;
  rejectedDir: string;
  catalogue: Catalogue;
  admission: LineAdmission;
  requireStationFolder: boolean;
  /** Larger files are rejected unread (LEGACY_MAX_FILE_BYTES). */
  maxFileBytes: number;
  /** Past this many lines that are not readings, the file is rejected whole (LEGACY_MAX_BAD_LINES); also the reasons listed. */
  maxBadLines: number;
  clock: Clock;
  /** Called with every finished file (logged, counted and published by the adapter). */
  finish: (result: LegacyFileResult) => LegacyFileResult;
}

/**
 * A settled file (`size` held over two scans) to its result; undefined when it changed since and
 * must wait. Throws AdmissionFailed when admit() failed (the file stays, to be tried again);
 * any other throw means the file could not even be moved out of the drop folder.
 */
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
 * (docs/DOMAIN.md, "Legacy file format": keep every raw file). Bounded whatever the file holds
 * (docs/LEGACY.md, "Bounds"): too large, it is rejected unread; too many bad lines, rejected
 * whole; at most `maxBadLines` + 1 reasons are kept, the rest counted.
 */
export function createFileProcessor(options: FileProcessorOptions): ProcessFile {
  const { clock, finish, maxFileBytes, maxBadLines } = options;
  const matchName = createNameMatcher(options.catalogue);
  const reasonList = (...errors: LegacyError[]): ReasonList => {
    const list = new ReasonList(maxBadLines + 1);
    for (const e of errors) list.add(e);
    return list;
  };
  const resultOf = (reasons: ReasonList) => ({ errors: reasons.errors(), ...(reasons.omitted > 0 ? { moreErrors: reasons.omitted } : {}) });

  const reject = async (file: string, path: string, header: string[], reasons: ReasonList, station?: string): Promise<LegacyFileResult> => {
    const keptAt = await freeName(options.rejectedDir, basename(file));
    await moveFile(path, keptAt);
    const reasonAt = await writeReason(keptAt, [...header, 'outcome: rejected, nothing stored', ...reasons.describe()]);
    return finish({ file, station, outcome: 'rejected', accepted: 0, rejected: reasons.size, ...resultOf(reasons), keptAt, reasonAt });
  };

  const store = async ({ file, path, bytes, header, station, slot }: NamedFile): Promise<LegacyFileResult> => {
    const parsed = parseLegacyFile(bytes, station, { maxBadLines });
    header.push(`encoding: ${parsed.encoding}`);
    const fileWide = wholeFileReason(parsed.stoppedAtLine, parsed.lines.length, bytes.length, maxBadLines);
    const reasons = fileWide ? reasonList(fileWide) : reasonList();
    for (const e of parsed.errors) reasons.add({ line: e.line, code: e.code, message: `${e.message}: ${e.text}` });
    if (fileWide) return reject(file, path, header, reasons, station.id);
    const accepted = await options.admission.admitLines(station.id, parsed.lines, file, reasons);
    if (accepted === 0) return reject(file, path, header, reasons, station.id);
    await moveFile(path, slot.path);
    let reasonAt: string | undefined;
    if (reasons.size > 0)
      reasonAt = await writeReason(slot.path, [
        ...header,
        `outcome: partly stored, ${accepted} readings stored, ${reasons.rejectedLines} lines rejected`,
        ...reasons.describe(),
      ]);
    const outcome = reasons.size > 0 ? 'partial' : 'stored';
    return finish({
      file,
      station: station.id,
      outcome,
      accepted,
      rejected: reasons.rejectedLines,
      ...resultOf(reasons),
      keptAt: slot.path,
      reasonAt,
    });
  };

  const processOne = async (file: string, path: string, size: number, header: string[]): Promise<LegacyFileResult | undefined> => {
    if (size > maxFileBytes) return reject(file, path, header, reasonList(tooLarge(size, maxFileBytes)));
    const bytes = await readSettled(path, size);
    if (!bytes) return undefined; // changed between stat and read: wait for it to settle
    const hash = sha256(bytes);
    header.push(`sha256: ${hash}`);
    const match = matchName(basename(file));
    if (!match.ok) return reject(file, path, header, reasonList({ code: match.code, message: match.message }));
    const { station, stamp } = match.name;
    header.push(`station: ${station.id} (prefix ${match.name.prefix})`);
    if (options.requireStationFolder && !inStationFolder(file, station)) {
      // Checked before the archive: a file from the wrong folder is never a "re-delivery" either.
      return reject(file, path, header, reasonList(wrongFolder(station)), station.id);
    }
    const slot = await archiveSlot(options.archiveDir, stamp, basename(file), hash);
    if (slot.duplicate) {
      // Re-delivery (FTP retry, operator copy): already stored; the points are idempotent anyway.
      await unlink(path);
      return finish({ file, station: station.id, outcome: 'duplicate', accepted: 0, rejected: 0, errors: [], keptAt: slot.path });
    }
    return store({ file, path, bytes, header, station, slot });
  };

  return async (file, size) => {
    const path = join(options.dropDir, file);
    const header = [`file: ${file}`, `received: ${new Date(clock.now()).toISOString()}`];
    try {
      return await processOne(file, path, size, header);
    } catch (err) {
      if (err instanceof AdmissionFailed) throw err;
      if (!(await exists(path))) throw err; // gone meanwhile (moved before the failure, or taken): only the log can tell
      // Whatever went wrong, the file leaves the drop folder with the reason, so that no later
      // pass, nor the next start, meets it again. If even this fails, the scanner skips it.
      return reject(file, path, header, reasonList(notProcessed(err)));
    }
  };
}

/** Why a parsed file is refused whole before any line is admitted: too many bad lines, empty, or no reading in it. */
function wholeFileReason(stoppedAt: number | undefined, readings: number, bytes: number, maxBadLines: number): LegacyError | undefined {
  if (stoppedAt !== undefined) return tooManyBadLines(maxBadLines, stoppedAt);
  if (readings > 0) return undefined;
  if (bytes === 0) return { code: 'empty_file', message: 'the file is empty' };
  return { code: 'nothing_parseable', message: 'no line of the file is a reading' };
}

function tooLarge(size: number, max: number): LegacyError {
  return { code: 'too_large', message: `${size} bytes, more than ${max} (LEGACY_MAX_FILE_BYTES): not a legacy cycle file; not read` };
}

function tooManyBadLines(max: number, stoppedAt: number): LegacyError {
  return {
    code: 'too_many_bad_lines',
    message: `more than ${max} lines are not readings (LEGACY_MAX_BAD_LINES): not read past line ${stoppedAt}, nothing stored`,
  };
}

function notProcessed(err: unknown): LegacyError {
  const why = quote(err instanceof Error ? err.message : String(err));
  return { code: 'not_processed', message: `the file could not be processed (${why}); dropping it again is safe (points are idempotent)` };
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
