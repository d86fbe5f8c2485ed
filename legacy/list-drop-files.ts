import { readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

/** Upload in progress under a temporary name (vsftpd, FileZilla, WinSCP, rsync) or a hidden file. */
const TEMPORARY = /(^\.|\.(part|partial|filepart|tmp|temp)$|~$)/i;

/**
 * Files under the drop folder (subfolders to depth 3, e.g. one per FTP account), relative paths,
 * skipping uploads in progress and the `skip` folders (an archive or rejected folder kept inside
 * the drop folder must not be read again).
 */
export async function listDropFiles(root: string, skip: ReadonlySet<string> = new Set(), dir = root, depth = 0): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (TEMPORARY.test(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory() && depth < 3 && !skip.has(resolve(full))) out.push(...(await listDropFiles(root, skip, full, depth + 1)));
    else if (entry.isFile()) out.push(relative(root, full));
  }
  return out;
}
