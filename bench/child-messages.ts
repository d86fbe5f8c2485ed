/**
 * The bench's child processes: the load generator's IPC messages, taken by type in any order,
 * and a benchmark script run for the one JSON object it prints.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** A child's IPC messages by type: next(type) resolves with the first such message, kept or still to come. */
export interface MessageQueue {
  next<T>(type: string): Promise<T>;
}

/** Should the child exit first, every waiter resolves with `{ type: 'exit', code }`. */
export function messageQueue(child: ChildProcess): MessageQueue {
  const inbox: Array<{ type: string }> = [];
  const waiters: Array<{ type: string; resolve: (m: unknown) => void }> = [];
  child.on('message', (m: { type: string }) => {
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  child.on('exit', (code) => {
    for (const w of waiters) w.resolve({ type: 'exit', code });
  });
  return {
    next<T>(type: string): Promise<T> {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T);
      return new Promise((resolve) => waiters.push({ type, resolve: resolve as (m: unknown) => void }));
    },
  };
}

/** What bench/alerts-engine.ts prints, as far as the results use it. */
export interface EngineBench {
  readingsPerS?: number;
  stateBytesPerSeries?: { heap: number; external: number };
}

/** Runs a benchmark script that prints one JSON object; returns that object. */
export async function runJson(script: string): Promise<EngineBench | undefined> {
  const child = fork(script, [], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  await new Promise((r) => child.once('exit', r));
  try {
    return JSON.parse(text) as EngineBench;
  } catch {
    return undefined;
  }
}
