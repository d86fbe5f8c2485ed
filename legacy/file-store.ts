import { createHash } from 'node:crypto';
import { copyFile, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Moves a file, across file systems too (the drop folder is often another mount than the archive). */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(from, to);
    await unlink(from);
  }
}

/**
 * A settled file's bytes: it is read only up to `size` + 1 bytes, so a file that grew since its
 * size was taken (past the size limit, say) is never read whole; undefined when it changed.
 */
export async function readSettled(path: string, size: number): Promise<Buffer | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(size + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return n === size ? buf.subarray(0, n) : undefined;
  } finally {
    await fh.close();
  }
}

export const exists = async (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

export interface ArchiveSlot {
  /** Where the file goes, or where it already is. */
  path: string;
  /** The same content is already archived there: a re-delivery. */
  duplicate: boolean;
}

/**
 * The archive keeps every raw file for audit (docs/DOMAIN.md: "Keep every raw file"), under
 * `<archive>/<yyyy>/<mm>/<dd>/` of the cycle time in its name. A file of the same name and
 * content is a re-delivery; the same name with other content (a corrected file) is kept beside
 * it as `<name>.<hash12>.txt`. Looking up by path keeps the check O(1) with no index in memory.
 */
export async function archiveSlot(archiveDir: string, stamp: string, fileName: string, hash: string): Promise<ArchiveSlot> {
  const dir = join(archiveDir, stamp.slice(0, 4), stamp.slice(4, 6), stamp.slice(6, 8));
  await mkdir(dir, { recursive: true });
  const first = join(dir, fileName);
  if (!(await exists(first))) return { path: first, duplicate: false };
  if (sha256(await readFile(first)) === hash) return { path: first, duplicate: true };
  const ext = extname(fileName);
  const variant = join(dir, `${basename(fileName, ext)}.${hash.slice(0, 12)}${ext}`);
  return { path: variant, duplicate: await exists(variant) };
}

/** A free name in `dir` for `fileName` (rejected files may arrive twice). */
export async function freeName(dir: string, fileName: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = extname(fileName);
  const stem = basename(fileName, ext);
  for (let i = 0; ; i++) {
    const candidate = join(dir, i === 0 ? fileName : `${stem}.${i}${ext}`);
    if (!(await exists(candidate))) return candidate;
  }
}

/** `<dir>/<name>.reason.txt` beside a kept file. */
export function reasonPath(filePath: string): string {
  const ext = extname(filePath);
  return `${filePath.slice(0, filePath.length - ext.length)}.reason.txt`;
}

export async function writeReason(filePath: string, lines: string[]): Promise<string> {
  const path = reasonPath(filePath);
  await writeFile(path, `${lines.join('\n')}\n`, 'utf8');
  return path;
}
