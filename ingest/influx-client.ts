import { InfluxDB, HttpError } from '@influxdata/influxdb-client';
import type { InfluxTarget } from '../core/index.js';

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface InfluxClient {
  readonly target: InfluxTarget;
  /**
   * POSTs line protocol (ms precision), gzipped above 1 KB unless InfluxDB is on this machine
   * (loopback: compressing costs both processes CPU and saves no network). Rejects with an InfluxWriteError
   * whose `kind` says what to do next (retry, split the batch, or fix the configuration).
   */
  write(lines: string | Buffer, options?: { signal?: AbortSignal }): Promise<void>;
  /** Runs InfluxQL over `/query` and returns the series of the first statement. */
  query(influxql: string): Promise<InfluxSeries[]>;
  /** Creates the database (1.x API only; a v2 bucket is the operator's to create). */
  ensureDatabase(): Promise<void>;
}

/**
 * What a failed write means, decided from the status code, never from message strings:
 * - `network`: no answer (refused, reset, timeout): retry;
 * - `server`: 5xx or 408: retry;
 * - `throttled`: 429: retry, after Retry-After when given;
 * - `rejected`: 400, 413, 422: the data is wrong (or the batch too big): split the batch;
 * - `config`: 401, 403, 404 and the rest of 4xx: credentials, database or bucket; no line is
 *   to blame, so the batch is kept and retried until an operator fixes it.
 */
export type InfluxWriteErrorKind = 'network' | 'server' | 'throttled' | 'rejected' | 'config';

/** A write failure that says whether it is worth retrying (never decided from message strings). */
export class InfluxWriteError extends Error {
  readonly retryable: boolean;
  constructor(
    message: string,
    readonly kind: InfluxWriteErrorKind,
    readonly statusCode?: number,
    readonly body?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'InfluxWriteError';
    this.retryable = kind === 'network' || kind === 'server' || kind === 'throttled';
  }
}

export function classifyStatus(status: number): InfluxWriteErrorKind {
  if (status >= 500 || status === 408) return 'server';
  if (status === 429) return 'throttled';
  if (status === 400 || status === 413 || status === 422) return 'rejected';
  return 'config';
}

/**
 * A thin layer over `@influxdata/influxdb-client`'s transport: it speaks `/write` (1.x) or
 * `/api/v2/write` (1.8+, 2.x, 3.x, VictoriaMetrics), and InfluxQL over `/query`, which all
 * InfluxDB versions answer. Credentials travel in headers, never in URLs, so they never reach
 * an access log.
 */
export function createInfluxClient(
  target: InfluxTarget,
  options: {
    timeoutMs?: number;
    /** Bytes above which a write is gzipped; `false`: never. Default: 1000, or never on loopback. */ gzipThreshold?: number | false;
  } = {},
): InfluxClient {
  const headers: Record<string, string> = {};
  if (target.api === 'v1' && target.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`;
  }
  const influx = new InfluxDB({
    url: target.url,
    token: target.api === 'v2' ? target.token : undefined,
    timeout: options.timeoutMs ?? 30_000,
    headers,
  });
  const transport = influx.transport;
  const writePath =
    target.api === 'v1'
      ? `/write?${new URLSearchParams({ db: target.db, precision: 'ms', ...(target.rp ? { rp: target.rp } : {}) })}`
      : `/api/v2/write?${new URLSearchParams({ org: target.org, bucket: target.bucket, precision: 'ms' })}`;
  const db = target.api === 'v1' ? target.db : target.bucket;
  // The transport gzips asynchronously (zlib on the thread pool) above this size. On loopback
  // that is pure cost: at 100,000 points/s it takes a good part of a core here and in InfluxDB.
  const threshold = options.gzipThreshold ?? (isLoopback(target.url) ? false : 1000);
  const gzipThreshold = threshold === false ? undefined : threshold;

  return {
    target,
    write(lines, opts = {}) {
      return new Promise<void>((resolve, reject) => {
        // `send` takes the body as is (a Buffer stays bytes); `request` would JSON-encode a Buffer.
        transport.send(
          writePath,
          lines as string,
          {
            method: 'POST',
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            ...(gzipThreshold === undefined ? {} : { gzipThreshold }),
            ...(opts.signal ? { signal: opts.signal } : {}),
          },
          {
            next: () => undefined,
            complete: () => resolve(),
            error: (err: Error) => reject(toWriteError(err)),
          },
        );
      });
    },
    async query(influxql) {
      const params = new URLSearchParams({ db, q: influxql, epoch: 'ms' });
      if (target.api === 'v1' && target.rp) params.set('rp', target.rp);
      const res = (await transport.request(`/query?${params}`, '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })) as {
        results?: Array<{ series?: InfluxSeries[]; error?: string }>;
        error?: string;
      };
      const first = res.results?.[0];
      const error = res.error ?? first?.error;
      if (error) throw new Error(`InfluxQL error: ${error}`);
      return first?.series ?? [];
    },
    async ensureDatabase() {
      if (target.api !== 'v1') return;
      const q = `CREATE DATABASE "${target.db.replace(/["\\]/g, '\\$&')}"`;
      await transport.request(`/query?${new URLSearchParams({ q })}`, '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    },
  };
}

/** Is the URL's host this machine (127.0.0.0/8, ::1, localhost)? */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function toWriteError(err: Error): InfluxWriteError {
  if (err instanceof HttpError) {
    const body = (err.body ?? '').slice(0, 1000);
    const retryAfterS = err.retryAfter();
    return new InfluxWriteError(
      `InfluxDB answered ${err.statusCode}: ${body || err.message}`,
      classifyStatus(err.statusCode),
      err.statusCode,
      body,
      retryAfterS > 0 ? retryAfterS * 1000 : undefined,
    );
  }
  return new InfluxWriteError(`InfluxDB unreachable: ${err.message || err.name}`, 'network');
}
