import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from '../../core/index.js';

export interface LogCapture {
  /** A pino destination: pass it to startTestCentre's `logDestination` or createLogger. */
  readonly destination: DestinationStream;
  /** A root logger writing into this capture. */
  readonly log: Logger;
  /** Everything logged so far, as written (JSON lines). */
  text(): string;
  /** The parsed lines, optionally only those whose `msg` contains `match`. */
  lines(match?: string): Array<Record<string, unknown>>;
}

/** Captures log output in memory, e.g. to check what is logged, or that no secret is. */
export function captureLog(level = 'debug'): LogCapture {
  const chunks: string[] = [];
  const destination: DestinationStream = {
    write: (msg: string) => {
      chunks.push(msg);
    },
  };
  return {
    destination,
    log: createLogger({ level, destination }),
    text: () => chunks.join(''),
    lines: (match) =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => match === undefined || String(l.msg).includes(match)),
  };
}
