export interface TaskLimiterOptions {
  /** Tasks running at once. */
  maxActive: number;
  /** Tasks waiting for a turn; beyond it a task is refused at once. */
  maxQueued: number;
}

export interface TaskLimiterStats {
  active: number;
  queued: number;
  /** Tasks started since creation. */
  started: number;
  /** Tasks refused because the queue was full. */
  refused: number;
}

export interface TaskLimiter {
  /**
   * Runs `task` now, or after those ahead of it (first come, first served); undefined, decided at
   * once, when `maxQueued` tasks already wait: the caller answers "busy".
   */
  tryRun<T>(task: () => Promise<T>): Promise<T> | undefined;
  stats(): TaskLimiterStats;
}

/**
 * Bounds slow work a stranger can ask for. Secret checks (scrypt) run on libuv's thread pool,
 * four threads by default, which the durable spool's fsync needs too: unbounded, a burst of
 * logins queues every fsync, hence every PUBACK, behind hundreds of scrypt derivations
 * (docs/ARCHITECTURE.md, "Facts that shape the design": the durability point). With at most `maxActive` in flight the other
 * threads stay free, and a full queue refuses a login at once instead of growing.
 */
export function createTaskLimiter(options: TaskLimiterOptions): TaskLimiter {
  const waiting: Array<() => void> = [];
  const counts = { active: 0, started: 0, refused: 0 };

  const next = (): void => {
    counts.active--;
    waiting.shift()?.();
  };
  const start = <T>(task: () => Promise<T>): Promise<T> => {
    counts.active++;
    counts.started++;
    let running: Promise<T>;
    try {
      running = task();
    } catch (err) {
      running = Promise.reject(err as Error);
    }
    return running.finally(next);
  };

  return {
    tryRun(task) {
      if (counts.active < options.maxActive) return start(task);
      if (waiting.length >= options.maxQueued) {
        counts.refused++;
        return undefined;
      }
      return new Promise((resolve, reject) => waiting.push(() => start(task).then(resolve, reject)));
    },
    stats: () => ({ ...counts, queued: waiting.length }),
  };
}
