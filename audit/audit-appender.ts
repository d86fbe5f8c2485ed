import { mkdir, open, type FileHandle } from 'node:fs/promises';

/**
 * Appends whole lines to one audit file at a time, opened with O_APPEND (mode 0600): each batch
 * is one write() and is fdatasync'd before it counts as written, so the centre and a `quantrac`
 * command writing the same file interleave only whole batches of whole lines. A file whose last
 * byte is not a newline (a torn tail after a power cut, or a short write) gets one first, so the
 * torn line stays a line of its own that readers skip.
 */
export class AuditAppender {
  private fh: FileHandle | undefined;
  private path: string | undefined;
  private needsNewline = false;

  constructor(private readonly dir: string) {}

  /** Writes `text` (whole lines) to `path` and syncs; returns how many bytes of it were written (all, unless the disk filled mid-write). */
  async append(path: string, text: Buffer): Promise<number> {
    const fh = await this.handle(path);
    const prefix = this.needsNewline ? Buffer.from('\n') : Buffer.alloc(0);
    const buf = prefix.length > 0 ? Buffer.concat([prefix, text]) : text;
    const { bytesWritten } = await fh.write(buf, 0, buf.length);
    if (bytesWritten > 0) this.needsNewline = buf[bytesWritten - 1] !== 0x0a;
    await fh.datasync();
    return Math.max(0, bytesWritten - prefix.length);
  }

  /** Closes the open file (a later append opens it again). */
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    this.path = undefined;
    await fh?.close();
  }

  private async handle(path: string): Promise<FileHandle> {
    if (this.fh && this.path === path) return this.fh;
    await this.close().catch(() => undefined);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const fh = await open(path, 'a+', 0o600);
    try {
      const { size } = await fh.stat();
      const last = Buffer.alloc(1);
      if (size > 0) await fh.read(last, 0, 1, size - 1);
      this.needsNewline = size > 0 && last[0] !== 0x0a;
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }
    this.fh = fh;
    this.path = path;
    return fh;
  }
}
