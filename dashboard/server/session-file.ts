import { mkdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { interval, type Subscription } from 'rxjs';
import type { Logger } from '../../core/index.js';
import { unrefScheduler, type SchedulerLike } from '../../platform/index.js';
import type { Session } from './session-store.js';

/** The file's name in DATA_DIR. */
export const SESSIONS_FILE = 'sessions.json';

/** sha256 ids are 43 base64url characters; anything else in the file is not ours. */
const ID = /^[A-Za-z0-9_-]{43}$/;

const isSession = (x: unknown): x is Session => {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Record<string, unknown>;
  return (
    typeof s['id'] === 'string' &&
    ID.test(s['id']) &&
    typeof s['user'] === 'string' &&
    s['user'].length > 0 &&
    Number.isFinite(s['createdAt']) &&
    Number.isFinite(s['lastSeenAt'])
  );
};

/**
 * The sessions a previous run left (read once, at start, before the server listens). A missing
 * file is a first start; an unreadable or corrupt one is logged and ignored (everyone logs in
 * again), never a reason not to start: the broker and ingest matter more than the dashboard.
 * Expired sessions are the store's to drop (it knows the limits).
 */
export function readSessionFile(file: string, log: Logger): Session[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') log.warn({ file, code }, 'sessions file unreadable: starting with no sessions');
    return [];
  }
  try {
    const parsed = JSON.parse(text) as { version?: unknown; sessions?: unknown };
    if (parsed.version !== 1 || !Array.isArray(parsed.sessions)) throw new Error('not a version 1 sessions file');
    const sessions = parsed.sessions.filter(isSession);
    const dropped = parsed.sessions.length - sessions.length;
    if (dropped > 0) log.warn({ file, dropped }, 'sessions file: entries that are not sessions ignored');
    // Only the four fields: nothing else the file may hold is carried into memory.
    return sessions.map(({ id, user, createdAt, lastSeenAt }) => ({ id, user, createdAt, lastSeenAt }));
  } catch (err) {
    log.warn({ file, err: (err as Error).message }, 'sessions file corrupt: starting with no sessions');
    return [];
  }
}

/**
 * Replaces the file atomically: a temporary file in the same directory (mode 0600 from its
 * creation), fsynced, then renamed over the old one, so a crash leaves the old table or the
 * new one, never half of one. Only the sha256 ids, user names and times: never a token.
 */
export async function writeSessionFile(file: string, sessions: Iterable<Session>): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const rows = [...sessions].map(({ id, user, createdAt, lastSeenAt }) => ({ id, user, createdAt, lastSeenAt }));
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ version: 1, sessions: rows })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(tmp, 0o600); // a umask never widens it, but an old temporary file could have
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

export interface SessionPersistence {
  /** The table changed (a login, a logout, activity): written at the next period. */
  changed(): void;
  /** Stops the timer and writes once more if anything changed (clean shutdown). */
  close(): Promise<void>;
}

export interface SessionPersistenceOptions {
  file: string;
  /** The sessions to write, read when a write starts. */
  sessions: () => Iterable<Session>;
  /** At most one write per period (activity touches sessions on every request). */
  periodMs: number;
  scheduler: SchedulerLike;
  log: Logger;
}

/**
 * Writes the session table when it changed, at most once per period and never two writes at
 * once. A failed write (disk full, permissions) is logged and tried again at the next period:
 * the sessions in memory stay valid, only a restart would lose them.
 */
export function startSessionPersistence(options: SessionPersistenceOptions): SessionPersistence {
  const { file, log } = options;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let dirty = false;
  let writing: Promise<void> | undefined;
  let failing = false;
  const write = (): Promise<void> => {
    if (!dirty || writing) return writing ?? Promise.resolve();
    dirty = false;
    writing = writeSessionFile(file, options.sessions())
      .then(() => {
        if (failing) log.info({ file }, 'sessions file written again');
        failing = false;
      })
      .catch((err: unknown) => {
        dirty = true;
        if (!failing) log.warn({ file, err: (err as Error).message }, 'could not write the sessions file; retrying');
        failing = true;
      })
      .finally(() => {
        writing = undefined;
      });
    return writing;
  };
  const timer: Subscription = interval(options.periodMs, unrefScheduler(options.scheduler)).subscribe(() => void write());
  return {
    changed() {
      dirty = true;
    },
    async close() {
      timer.unsubscribe();
      await writing;
      await write();
    },
  };
}
