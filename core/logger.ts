import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

export type { Logger };

/**
 * The root logger. Secrets never reach a log line: the paths below are censored wherever
 * they appear, as a second line of defence behind never logging them at all.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    base: { app: 'quantrac' },
    redact: {
      paths: ['password', 'secret', 'token', '*.password', '*.secret', '*.token', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
