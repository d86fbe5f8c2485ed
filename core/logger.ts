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

/** LOG_FORMAT (core/config.ts): `auto` is pretty on a terminal and JSON lines otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * Which format the console log takes: JSON for anything that reads it (a pipe, a file, a log
 * collector), human-readable lines for a person at a terminal, unless LOG_FORMAT says otherwise.
 */
export function chooseLogFormat(format: LogFormat, isTTY: boolean | undefined): 'json' | 'pretty' {
  if (format === 'auto') return isTTY === true ? 'pretty' : 'json';
  return format;
}

/** Makes pino-pretty's stream; undefined when the package is not installed. */
export type PrettyLoader = () => Promise<((options: Record<string, unknown>) => DestinationStream) | undefined>;

/**
 * pino-pretty is a devDependency: an installed package without it logs JSON instead of failing.
 * The import is dynamic so that nothing loads it when the log is JSON.
 */
export const loadPinoPretty: PrettyLoader = async () => {
  try {
    const mod = (await import('pino-pretty')) as { default: (options: Record<string, unknown>) => DestinationStream };
    return mod.default;
  } catch {
    return undefined;
  }
};

export interface ConsoleLoggerOptions {
  level?: string;
  format?: LogFormat;
  /** Whether stdout is a terminal (default process.stdout.isTTY). */
  isTTY?: boolean;
  /** Where the lines go (default stdout); the pretty stream writes its text here. */
  destination?: DestinationStream;
  loadPretty?: PrettyLoader;
}

/**
 * The logger for a command run by a person (`quantrac start`): pretty on a terminal, JSON
 * otherwise (chooseLogFormat). Redaction is pino's, before either format, so it applies to both.
 * Falls back to JSON, saying so once, when pino-pretty is missing.
 */
export async function createConsoleLogger(options: ConsoleLoggerOptions = {}): Promise<Logger> {
  const isTTY = options.isTTY ?? process.stdout.isTTY;
  const format = chooseLogFormat(options.format ?? 'auto', isTTY);
  if (format === 'json') return createLogger({ level: options.level, destination: options.destination });
  const pretty = await (options.loadPretty ?? loadPinoPretty)();
  if (!pretty) {
    const log = createLogger({ level: options.level, destination: options.destination });
    log.info('pino-pretty is not installed: logging JSON lines');
    return log;
  }
  const stream = pretty({
    colorize: isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,app',
    // Synchronous, so the last lines before an exit are not lost.
    sync: true,
    ...(options.destination ? { destination: options.destination } : {}),
  });
  return createLogger({ level: options.level, destination: stream });
}
