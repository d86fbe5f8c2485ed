import { randomUUID } from 'node:crypto';
import { link, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { QuantracError } from '../core/index.js';

/** Paths locked by this process: a second spool on the same directory in one process is refused too. */
const held = new Set<string>();

export interface DirLock {
  release(): Promise<void>;
}

/**
 * One writer per spool directory: two centres appending to the same segments would corrupt
 * them. The lock is the newest of the files `LOCK.<n>` (`path`.n), holding its owner's pid.
 * A newer generation is created with link(), which fails when the name exists: of several
 * processes that find the same lock stale (its process gone after a crash or SIGKILL) and
 * race to take it over, exactly one creates `n + 1`, and the others then see a live owner.
 * Nothing ever deletes or overwrites a lock someone else may have just taken (a stale lock
 * unlinked and recreated by two processes at once gives two owners): older generations are
 * removed only by the owner of a newer one, release marks its generation free instead of
 * removing it (the newest number never goes down), and a process that linked a number from
 * an outdated listing sees the newer one right after and backs out.
 * A pid equal to ours that we do not hold is stale too: in a container the centre is often
 * pid 1 at every start.
 */
export async function acquireDirLock(path: string): Promise<DirLock> {
  if (held.has(path)) throw new QuantracError('ERR_LOCKED', `${path} is already in use by this process`);
  held.add(path); // before any await: two calls in this process must not both see the lock free
  try {
    const mine = await takeOver(path);
    return {
      async release() {
        await markFree(mine).catch(() => undefined);
        held.delete(path);
      },
    };
  } catch (err) {
    held.delete(path);
    throw err;
  }
}

async function takeOver(path: string): Promise<string> {
  const dir = dirname(path);
  const name = basename(path);
  const generation = (file: string): number | undefined => {
    if (!file.startsWith(`${name}.`)) return undefined;
    const rest = file.slice(name.length + 1);
    return /^\d{1,15}$/.test(rest) ? Number(rest) : undefined;
  };
  for (let attempt = 0; attempt < 10; attempt++) {
    const generations = (await readdir(dir))
      .map(generation)
      .filter((g): g is number => g !== undefined)
      .sort((a, b) => a - b);
    const newest = generations.at(-1) ?? 0;
    if (generations.length > 0) {
      const text = await readFile(`${path}.${newest}`, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined; // removed by a newer owner: look again
        throw err;
      });
      if (text === undefined) continue;
      const pid = Number(text.trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new QuantracError('ERR_LOCKED', `${path} is held by process ${pid}: another quantrac is using this DATA_DIR`);
      }
    }
    // The pid is in the file before it has its name: nobody ever reads an empty lock.
    const mine = `${path}.${newest + 1}`;
    const tmp = join(dir, `${name}.${process.pid}-${randomUUID()}.tmp`);
    await writeFile(tmp, `${process.pid}\n`);
    try {
      await link(tmp, mine);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue; // another process won this generation
      throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    // A process that read an old listing may have linked a number freed since (removed by
    // a newer owner): the newest generation wins, so back out if there is a newer one.
    const now = (await readdir(dir)).map(generation).filter((g): g is number => g !== undefined);
    if (now.some((g) => g > newest + 1)) {
      await unlink(mine).catch(() => undefined);
      continue;
    }
    for (const g of generations) await unlink(`${path}.${g}`).catch(() => undefined);
    return mine;
  }
  throw new QuantracError('ERR_LOCKED', `could not lock ${path}`);
}

/** Marks a generation free (atomically: a reader sees our pid or "free", never a partial file). */
async function markFree(file: string): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, 'free\n');
  await rename(tmp, file);
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
