import type { Clock } from '../platform/index.js';

/** How long a file that could not be moved out of the drop folder is left alone before one more try. */
export const STUCK_RETRY_MS = 10 * 60_000;

/**
 * Files that could not even be moved out of the drop folder (a read-only or full disk): they
 * are skipped, not retried every pass, until they change (size or mtime) or STUCK_RETRY_MS
 * passed; so a file no disk can take never turns into a loop of errors, nor stops the centre.
 * Forgotten when the file leaves the folder (`keepOnly`), so the memory holds at most the
 * files there.
 */
export class StuckFiles {
  private readonly files = new Map<string, { size: number; mtimeMs: number; retryAt: number }>();

  constructor(private readonly clock: Clock) {}

  remember(file: string, size: number, mtimeMs: number): void {
    this.files.set(file, { size, mtimeMs, retryAt: this.clock.now() + STUCK_RETRY_MS });
  }

  /** Whether to leave the file alone this pass (it is the same file and its retry time has not come). */
  skip(file: string, size: number, mtimeMs: number): boolean {
    const stuck = this.files.get(file);
    if (!stuck) return false;
    if (stuck.size === size && stuck.mtimeMs === mtimeMs && this.clock.now() < stuck.retryAt) return true;
    this.files.delete(file);
    return false;
  }

  /** Forgets the files no longer in the drop folder. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const file of this.files.keys()) if (!present.has(file)) this.files.delete(file);
  }

  get size(): number {
    return this.files.size;
  }
}
