import { open, readFile, unlink } from 'node:fs/promises';
import { QuantracError } from '../core/index.js';

/** Paths locked by this process: a second spool on the same directory in one process is refused too. */
const held = new Set<string>();

export interface DirLock {
  release(): Promise<void>;
}

/**
 * One writer per spool directory: two centres appending to the same segments would corrupt
 * them. The lock file holds the owner's pid; a lock whose process is gone (a crash, SIGKILL)
 * is taken over. A pid equal to ours that we do not hold is stale too: in a container the
 * centre is often pid 1 at every start.
 */
export async function acquireDirLock(path: string): Promise<DirLock> {
  if (held.has(path)) throw new QuantracError('ERR_LOCKED', `${path} is already in use by this process`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      held.add(path);
      return {
        async release() {
          held.delete(path);
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new QuantracError('ERR_LOCKED', `${path} is held by process ${pid}: another quantrac is using this DATA_DIR`);
    }
    await unlink(path).catch(() => undefined);
  }
  throw new QuantracError('ERR_LOCKED', `could not lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
