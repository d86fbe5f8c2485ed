import { mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Subject, type Observable, type Subscription } from 'rxjs';
import {
  readingsTopic,
  systemClock,
  type Catalogue,
  type Clock,
  type Logger,
  type Rejection,
  type RejectionNotice,
  type Station,
} from '../core/index.js';
import { createNameMatcher } from './legacy-file-name.js';
import { parseLegacyFile, type LegacyLine, type LineError } from './parse-legacy-file.js';
import { archiveSlot, freeName, moveFile, sha256, writeReason } from './file-store.js';
import { listDropFiles } from './list-drop-files.js';

/** The same admission MQTT readings go through (ingest's admit): validation, durability, idempotence. */
export type LegacyAdmit = (message: {
  topic: string;
  payload: Buffer;
  clientId?: string;
}) => Promise<{ accepted: number; rejected: number; errors?: Rejection[] }>;

export interface LegacyAdapterOptions {
  /** Where the province's FTP server writes (subfolders too, e.g. one per FTP account). */
  dropDir: string;
  archiveDir: string;
  rejectedDir: string;
  catalogue: Catalogue;
  admit: LegacyAdmit;
  /** Ingest's rejection events, to name each rejected line's reason (matched by payload). */
  rejections$?: Observable<{ payload: Buffer; notice: RejectionNotice }>;
  log: Logger;
  /** Scan period, ms (default 2000); 0: no timer, call scan(). A file is read once its size held over two scans. */
  pollMs?: number;
  /**
   * Accept a station's file only under `<dropDir>/<station id or legacy prefix>/` (default
   * false). The name alone says which station a file is for, so without this any FTP account
   * can submit readings for any station; with one FTP account per station confined (chrooted)
   * to its folder, the folder is the authentication.
   */
  requireStationFolder?: boolean;
  /** Larger files are rejected unread (default 16 MiB; a cycle's file is a few hundred bytes). */
  maxFileBytes?: number;
  clock?: Clock;
}

export type LegacyOutcome = 'stored' | 'partial' | 'rejected' | 'duplicate';

export interface LegacyFileResult {
  /** Path relative to the drop folder. */
  file: string;
  station?: string;
  outcome: LegacyOutcome;
  accepted: number;
  /** Lines not stored (bad shape, or refused by validation). */
  rejected: number;
  errors: Array<{ line?: number; code: string; message: string }>;
  /** Where the raw file was kept (archive or rejected folder) and its reason file. */
  keptAt?: string;
  reasonAt?: string;
}

export interface LegacyAdapter {
  /** One pass over the drop folder; resolves with the files finished in it. */
  scan(): Promise<LegacyFileResult[]>;
  readonly results$: Observable<LegacyFileResult>;
  close(): Promise<void>;
}

const MAX_READINGS = 1000;

/** Watches a drop folder for legacy text files and admits their readings (README, "Legacy files"). */
export async function createLegacyAdapter(options: LegacyAdapterOptions): Promise<LegacyAdapter> {
  const { catalogue, log } = options;
  const clock = options.clock ?? systemClock;
  const pollMs = options.pollMs ?? 2000;
  const maxFileBytes = options.maxFileBytes ?? 16 * 1024 ** 2;
  await Promise.all([options.dropDir, options.archiveDir, options.rejectedDir].map((d) => mkdir(d, { recursive: true })));
  const matchName = createNameMatcher(catalogue);
  const results$ = new Subject<LegacyFileResult>();
  const seen = new Map<string, { size: number; mtimeMs: number }>();
  const notices = new Map<Buffer, RejectionNotice | undefined>();
  const sub: Subscription | undefined = options.rejections$?.subscribe((e) => {
    if (notices.has(e.payload)) notices.set(e.payload, e.notice);
  });
  let running: Promise<LegacyFileResult[]> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const finish = (result: LegacyFileResult): LegacyFileResult => {
    const level = result.outcome === 'rejected' ? 'warn' : 'info';
    log[level](
      {
        file: result.file,
        station: result.station,
        outcome: result.outcome,
        accepted: result.accepted,
        rejected: result.rejected,
        errors: result.errors.slice(0, 5),
      },
      'legacy file',
    );
    results$.next(result);
    return result;
  };

  const reject = async (
    file: string,
    path: string,
    header: string[],
    errors: LegacyFileResult['errors'],
    station?: string,
  ): Promise<LegacyFileResult> => {
    const keptAt = await freeName(options.rejectedDir, basename(file));
    await moveFile(path, keptAt);
    const reasonAt = await writeReason(keptAt, [...header, 'outcome: rejected, nothing stored', ...errors.map(describe)]);
    return finish({ file, station, outcome: 'rejected', accepted: 0, rejected: errors.length, errors, keptAt, reasonAt });
  };

  const admitLines = async (
    stationId: string,
    lines: LegacyLine[],
    file: string,
  ): Promise<{ accepted: number; errors: LegacyFileResult['errors'] }> => {
    let accepted = 0;
    const errors: LegacyFileResult['errors'] = [];
    for (let i = 0; i < lines.length; i += MAX_READINGS) {
      const chunk = lines.slice(i, i + MAX_READINGS);
      const payload = Buffer.from(JSON.stringify({ station: stationId, readings: chunk.map((l) => l.reading) }));
      notices.set(payload, undefined);
      try {
        const res = await options.admit({ topic: readingsTopic(stationId), payload, clientId: `legacy:${file}` });
        accepted += res.accepted;
        const reasons = res.errors ?? notices.get(payload)?.errors;
        if (reasons) for (const r of reasons) errors.push(...lineErrors(r, chunk));
        else if (res.rejected > 0)
          errors.push({ code: 'rejected', message: `${res.rejected} readings refused by validation (see the dead letters)` });
      } finally {
        notices.delete(payload);
      }
    }
    return { accepted, errors };
  };

  const processFile = async (file: string, size: number): Promise<LegacyFileResult | undefined> => {
    const path = join(options.dropDir, file);
    if (size > maxFileBytes) {
      return reject(
        file,
        path,
        [`file: ${file}`, `received: ${new Date(clock.now()).toISOString()}`],
        [{ code: 'too_large', message: `${size} bytes, more than ${maxFileBytes}: not a legacy cycle file` }],
      );
    }
    const bytes = await readFile(path);
    if (bytes.length !== size) return undefined; // grew between stat and read: wait for it to settle
    const hash = sha256(bytes);
    const header = [`file: ${file}`, `received: ${new Date(clock.now()).toISOString()}`, `sha256: ${hash}`];
    const match = matchName(basename(file));
    if (!match.ok) return reject(file, path, header, [{ code: match.code, message: match.message }]);
    const { station, stamp } = match.name;
    header.push(`station: ${station.id} (prefix ${match.name.prefix})`);
    if (options.requireStationFolder && !inStationFolder(file, station)) {
      // Checked before the archive: a file from the wrong folder is never a "re-delivery" either.
      return reject(
        file,
        path,
        header,
        [
          {
            code: 'wrong_folder',
            message: `a file of station ${station.id} is accepted only under its own folder ${[...new Set([station.id, station.legacyPrefix ?? station.id])].map((n) => `"${n}/"`).join(' or ')} of the drop folder (LEGACY_REQUIRE_STATION_FOLDER)`,
          },
        ],
        station.id,
      );
    }
    const slot = await archiveSlot(options.archiveDir, stamp, basename(file), hash);
    if (slot.duplicate) {
      // Re-delivery (FTP retry, operator copy): already stored; the points are idempotent anyway.
      await unlink(path);
      return finish({ file, station: station.id, outcome: 'duplicate', accepted: 0, rejected: 0, errors: [], keptAt: slot.path });
    }
    const parsed = parseLegacyFile(bytes, station);
    header.push(`encoding: ${parsed.encoding}`);
    const lineErrs: LegacyFileResult['errors'] = parsed.errors.map((e: LineError) => ({
      line: e.line,
      code: e.code,
      message: `${e.message}: ${e.text}`,
    }));
    if (parsed.lines.length === 0) {
      const why =
        bytes.length === 0
          ? [{ code: 'empty_file', message: 'the file is empty' }]
          : [{ code: 'nothing_parseable', message: 'no line of the file is a reading' }, ...lineErrs];
      return reject(file, path, header, why, station.id);
    }
    const { accepted, errors } = await admitLines(station.id, parsed.lines, file);
    const all = [...lineErrs, ...errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    if (accepted === 0) return reject(file, path, header, all, station.id);
    await moveFile(path, slot.path);
    const rejectedLines = new Set(all.map((e) => e.line)).size;
    let reasonAt: string | undefined;
    if (all.length > 0)
      reasonAt = await writeReason(slot.path, [
        ...header,
        `outcome: partly stored, ${accepted} readings stored, ${rejectedLines} lines rejected`,
        ...all.map(describe),
      ]);
    return finish({
      file,
      station: station.id,
      outcome: all.length > 0 ? 'partial' : 'stored',
      accepted,
      rejected: rejectedLines,
      errors: all,
      keptAt: slot.path,
      reasonAt,
    });
  };

  const scanOnce = async (): Promise<LegacyFileResult[]> => {
    const done: LegacyFileResult[] = [];
    let files: string[];
    try {
      files = await listDropFiles(options.dropDir, new Set([resolve(options.archiveDir), resolve(options.rejectedDir)]));
    } catch (err) {
      log.error({ err, dir: options.dropDir }, 'cannot read the legacy drop folder');
      return done;
    }
    const present = new Set(files);
    for (const key of seen.keys()) if (!present.has(key)) seen.delete(key);
    for (const file of files.sort()) {
      if (closed) break;
      const st = await stat(join(options.dropDir, file)).catch(() => undefined);
      if (!st) continue;
      const prev = seen.get(file);
      // Half-written files: read only once the size (and mtime) held still across two scans.
      if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
        seen.set(file, { size: st.size, mtimeMs: st.mtimeMs });
        continue;
      }
      seen.delete(file);
      try {
        const result = await processFile(file, st.size);
        if (result) done.push(result);
      } catch (err) {
        // Storage or disk trouble: the file stays in the drop folder and is tried again.
        log.error({ err, file }, 'legacy file not processed; will retry');
      }
    }
    return done;
  };

  const scan = (): Promise<LegacyFileResult[]> => {
    running ??= scanOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const loop = (): void => {
    if (closed || pollMs <= 0) return;
    timer = setTimeout(() => {
      void scan().finally(loop);
    }, pollMs);
  };
  loop();
  log.info(
    { dropDir: options.dropDir, pollMs, requireStationFolder: options.requireStationFolder === true },
    'legacy file adapter watching',
  );

  return {
    scan,
    results$: results$.asObservable(),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      sub?.unsubscribe();
      results$.complete();
    },
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

/** Maps `readings[3].unit` of a chunk back to its line; a whole-message error applies to every line. */
function lineErrors(r: Rejection, chunk: LegacyLine[]): LegacyFileResult['errors'] {
  const m = /^readings\[(\d+)\]/.exec(r.path);
  const line = m ? chunk[Number(m[1])] : undefined;
  if (line) return [{ line: line.line, code: r.code, message: `${r.message}: ${line.text}` }];
  return [{ code: r.code, message: r.message }];
}

function describe(e: { line?: number; code: string; message: string }): string {
  return `${e.line === undefined ? 'file' : `line ${e.line}`}: ${e.code}: ${e.message}`;
}
