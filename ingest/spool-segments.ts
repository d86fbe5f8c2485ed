import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../core/index.js';
import { fsyncDir, recoverSpool, removeFile, segmentPath, type SegmentFile } from './spool-files.js';

/**
 * The spool's segment files (docs/ARCHITECTURE.md, "Durability point"): the sealed ones, oldest
 * first, and the active one the group commit appends to. Every start opens a fresh active
 * segment, so every older one is sealed and never written again; segments wholly behind the
 * checkpoint and every cursor (spool-cursors.ts) are removed.
 */
export class SegmentSet {
  private constructor(
    readonly dir: string,
    readonly files: SegmentFile[],
    public active: SegmentFile,
    public activeFh: FileHandle,
  ) {}

  /**
   * Recovers what the last run left (torn tail cut) and opens a fresh active segment; removes
   * the segments behind the checkpoint and `retainFrom` (the slowest cursor's position), both.
   */
  static async open(
    dir: string,
    log: Logger,
    retainFrom = Number.MAX_SAFE_INTEGER,
  ): Promise<{ segments: SegmentSet; checkpoint: number; backlogPoints: number }> {
    const { segments: files, checkpoint, backlogPoints } = await recoverSpool(dir, log);
    const last = files.at(-1);
    const start = Math.max(last ? last.start + last.size : checkpoint, checkpoint);
    const active: SegmentFile = { start, size: 0, path: segmentPath(dir, start) };
    const fh = await open(active.path, 'w+');
    await fsyncDir(dir);
    files.push(active);
    const segments = new SegmentSet(dir, files, active, fh);
    await segments.removeDelivered(Math.min(checkpoint, retainFrom));
    return { segments, checkpoint, backlogPoints };
  }

  /** Seals the active segment and starts a new one at logical offset `start`. */
  async rotate(start: number): Promise<void> {
    const next: SegmentFile = { start, size: 0, path: segmentPath(this.dir, start) };
    const fh = await open(next.path, 'w+');
    await fsyncDir(this.dir);
    const old = this.activeFh;
    this.activeFh = fh;
    this.active = next;
    this.files.push(next);
    await old.close();
  }

  /** Removes the sealed segments wholly behind `floor` (the checkpoint and every cursor). */
  async removeDelivered(floor: number): Promise<void> {
    const files = this.files;
    while (files.length > 1 && files[0]!.start + files[0]!.size <= floor) {
      await removeFile(files.shift()!.path);
    }
  }

  diskBytes(): number {
    return this.files.reduce((n, s) => n + s.size, 0);
  }

  /** Closes the active segment; an empty one is removed so restarts do not pile them up. */
  async close(): Promise<void> {
    await this.activeFh.close().catch(() => undefined);
    if (this.active.size === 0) await removeFile(this.active.path).catch(() => undefined);
  }
}
