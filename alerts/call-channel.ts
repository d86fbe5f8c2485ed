/**
 * Calls across the worker boundary, answered by `reply` messages carrying the call's id (one
 * per side: the main thread calls acknowledge, silence, flush; the worker asks to query,
 * append). The port keeps order, so a call is answered after what was posted before it.
 */
export interface CallChannel {
  /** Posts a call under a fresh id (through `post`) and resolves with its answer. */
  call<T>(post: (id: number) => void): Promise<T>;
  resolve(id: number, value: unknown): void;
  reject(id: number, err: Error): void;
  /** Fails every call under way (the other side has gone). */
  rejectAll(err: () => Error): void;
}

export function createCallChannel(): CallChannel {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const take = (id: number) => {
    const p = pending.get(id);
    pending.delete(id);
    return p;
  };
  return {
    call: <T>(post: (id: number) => void) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        post(id);
      }),
    resolve: (id, value) => take(id)?.resolve(value),
    reject: (id, err) => take(id)?.reject(err),
    rejectAll(err) {
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(err());
      }
    },
  };
}
