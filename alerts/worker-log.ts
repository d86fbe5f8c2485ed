import type { Logger } from '../core/index.js';
import { LOG_LEVELS, type FromWorker, type LogLevel } from './worker-protocol.js';

/** Log records go to the main thread's logger, so the centre has one log with one configuration. */
export function workerLogger(post: (m: FromWorker) => void, bindings: Record<string, unknown>, minLevel: number): Logger {
  const plain = (v: unknown): unknown =>
    v instanceof Error
      ? { type: v.name, message: v.message, stack: v.stack, ...('code' in v ? { code: (v as { code: unknown }).code } : {}) }
      : v;
  const write =
    (level: LogLevel) =>
    (objOrMsg?: unknown, msg?: string): void => {
      if (LOG_LEVELS.indexOf(level) < minLevel) return;
      const obj: Record<string, unknown> = {};
      if (typeof objOrMsg === 'string') msg = objOrMsg;
      else if (objOrMsg instanceof Error) obj.err = plain(objOrMsg);
      else if (objOrMsg && typeof objOrMsg === 'object') for (const [k, v] of Object.entries(objOrMsg)) obj[k] = plain(v);
      try {
        post({ t: 'log', level, bindings, obj, ...(msg === undefined ? {} : { msg }) });
      } catch {
        post({ t: 'log', level, bindings, obj: { unserialisable: Object.keys(obj) }, ...(msg === undefined ? {} : { msg }) });
      }
    };
  const log = Object.fromEntries(LOG_LEVELS.map((l) => [l, write(l)])) as Record<LogLevel, ReturnType<typeof write>>;
  return { ...log, child: (more: Record<string, unknown>) => workerLogger(post, { ...bindings, ...more }, minLevel) } as unknown as Logger;
}
