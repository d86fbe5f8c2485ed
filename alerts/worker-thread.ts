import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { AlertsWorkerData } from './worker-protocol.js';

/** Heap flags given to the process (bin/quantrac passes --max-old-space-size and --max-semi-space-size). */
const heapFlags = (): string[] => process.execArgv.filter((a) => /^--max[-_](old|semi)[-_]space[-_]size=/.test(a));

/**
 * Starts the alerts worker's thread with its own heap, bounded like the main thread's
 * (bin/quantrac): a small young generation, since readings live there only for one batch.
 *
 * Node bug (nodejs/node#43991): heap flags given to the process override a worker's
 * resourceLimits, and the worker would get the main thread's large young generation. They are
 * zeroed while the worker's heap is set up (the main thread's heap is configured already), then
 * restored once the worker is online, or has failed or exited first.
 */
export function startWorkerThread(entry: URL, workerData: AlertsWorkerData, heapMb: number): Worker {
  const flags = heapFlags();
  const setFlags = (zero: boolean): void => {
    for (const f of flags) v8.setFlagsFromString(zero ? f.replace(/=.*/, '=0') : f);
  };
  let flagsBack = false;
  const restoreFlags = (): void => {
    if (!flagsBack) setFlags(false);
    flagsBack = true;
  };
  setFlags(true);
  let w: Worker;
  try {
    w = new Worker(entry, { workerData, name: 'alerts', resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 8 } });
  } catch (err) {
    restoreFlags();
    throw err;
  }
  w.once('online', restoreFlags);
  w.once('error', restoreFlags);
  w.once('exit', restoreFlags);
  return w;
}
