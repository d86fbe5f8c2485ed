import type { Logger } from '../core/index.js';

/** Flags override the environment by being merged into it before the one config parse. */
export function envWith(overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * Waits for SIGINT/SIGTERM, then runs the shutdown; a second signal exits at once. A shutdown
 * taking over 10 s exits with 1: that timer is a plain unref'd setTimeout, so that it never
 * holds the process open itself (a process-level watchdog, not a part's time).
 */
export function untilSignal(log: Logger, shutdown: () => Promise<void>): Promise<void> {
  return new Promise((resolvePromise) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        log.error('shutdown took longer than 10 s; exiting');
        process.exit(1);
      }, 10_000);
      force.unref();
      shutdown().then(
        () => {
          clearTimeout(force);
          resolvePromise();
        },
        (err: Error) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
