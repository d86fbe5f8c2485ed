/** Thrown inside the delivery loop's parts once close() aborted them: it ends a retry, never logged as a failure. */
export class Stopped extends Error {}

export function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw new Stopped('delivery stopped');
}
