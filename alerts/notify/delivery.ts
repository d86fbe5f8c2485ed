import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { Logger } from '../../core/index.js';
import { createRetryPolicy, type Clock } from '../../platform/index.js';

/** A failed send that says whether trying again can help (never decided from message strings). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface DeadLetter {
  at: number;
  channel: string;
  target: string;
  attempts: number;
  error: string;
  payload: unknown;
}

export interface Job {
  channel: 'email' | 'webhook';
  /** Where (an address list, a webhook name): never a secret. */
  target: string;
  /** What was to be sent, kept in the dead letter so it can be sent by hand. */
  payload: unknown;
  send(): Promise<void>;
}

export interface DeliveryOptions {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  maxInFlight: number;
  scheduler: SchedulerLike;
  clock: Clock;
  /** JSON-lines file for deliveries that failed their last try; undefined: log only. */
  deadLetterFile?: string;
  log: Logger;
}

export interface Delivery {
  deliver(job: Job): void;
  /** Resolves when nothing is in flight or waiting to retry. */
  idle(): Promise<void>;
  readonly inFlight: number;
  /** Stops retrying: waiting deliveries go to the dead letters; sends under way are awaited. */
  close(): Promise<void>;
}

/**
 * Sends each notification with retries and backoff; after the last try, or when the queue is
 * full (bound `maxInFlight`, overflow policy: dead-letter at once), the notification is written
 * to the dead-letter file, so nothing is dropped silently.
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { log } = options;
  // Exponential backoff, doubling from `backoffMs` up to `maxBackoffMs`, deterministic (testable
  // in virtual time): try n (1-based) failed, the wait is delayMs(n - 1) = backoffMs x 2^(n-1), capped.
  const policy = createRetryPolicy({ baseMs: options.backoffMs, maxMs: options.maxBackoffMs, jitter: 'none' });
  const waiting = new Map<Job, { sub: Subscription; attempts: number }>();
  const running = new Set<Promise<void>>();
  let count = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];
  const deadLetters = createDeadLetters(options);
  const deadLetter = deadLetters.write;

  const done = (): void => {
    count -= 1;
    if (count === 0) {
      for (const w of idleWaiters.splice(0)) w();
    }
  };

  const attempt = (job: Job, n: number): void => {
    const p = job.send().then(
      () => {
        if (n > 1) log.info({ channel: job.channel, target: job.target, attempts: n }, 'notification delivered after retries');
        done();
      },
      (err: Error) => {
        const retryable = !(err instanceof DeliveryError) || err.retryable;
        if (!retryable || n >= options.attempts || closed) {
          deadLetter(job, n, err.message);
          done();
          return;
        }
        const delay = policy.delayMs(n - 1);
        log.warn(
          { channel: job.channel, target: job.target, attempt: n, retryInMs: delay, error: err.message },
          'notification failed; retrying',
        );
        const sub = options.scheduler.schedule(() => {
          waiting.delete(job);
          attempt(job, n + 1);
        }, delay);
        waiting.set(job, { sub, attempts: n });
      },
    );
    running.add(p);
    void p.finally(() => running.delete(p));
  };

  return {
    get inFlight() {
      return count;
    },
    deliver(job) {
      if (closed) return deadLetter(job, 0, 'notifier closed');
      if (count >= options.maxInFlight) return deadLetter(job, 0, `more than ${options.maxInFlight} notifications in flight`);
      count += 1;
      attempt(job, 1);
    },
    idle() {
      if (count === 0) return deadLetters.written();
      return new Promise<void>((r) => idleWaiters.push(r)).then(() => deadLetters.written());
    },
    async close() {
      closed = true;
      for (const [job, { sub, attempts }] of waiting) {
        sub.unsubscribe();
        deadLetter(job, attempts, 'shut down before the next try');
        done();
      }
      waiting.clear();
      await Promise.allSettled([...running]);
      await deadLetters.written();
      idleWaiters = [];
    },
  };
}

/**
 * The dead letters: each notification that failed for good is logged and appended, in order, to
 * the JSON-lines file (when there is one), so it can be sent by hand.
 */
function createDeadLetters(options: DeliveryOptions): { write(job: Job, attempts: number, error: string): void; written(): Promise<void> } {
  const { log } = options;
  let writes: Promise<void> = Promise.resolve();
  return {
    write(job, attempts, error) {
      const entry: DeadLetter = {
        at: options.clock.now(),
        channel: job.channel,
        target: job.target,
        attempts,
        error,
        payload: job.payload,
      };
      log.error({ channel: job.channel, target: job.target, attempts, error }, 'notification failed for good; written to the dead letters');
      const file = options.deadLetterFile;
      if (!file) return;
      writes = writes
        .then(() => mkdir(dirname(file), { recursive: true }))
        .then(() => appendFile(file, `${JSON.stringify(entry)}\n`))
        .catch((err: Error) => log.error({ err }, 'could not write a dead letter'));
    },
    written: () => writes,
  };
}
