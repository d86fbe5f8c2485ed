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
  /** POSTs line protocol (ms precision). Rejects with an error whose `retryable` says if trying again can help. */
  write(lines: string): Promise<void>;
  /** Runs InfluxQL over `/query` and returns the series of the first statement. */
  query(influxql: string): Promise<InfluxSeries[]>;
  /** Creates the database (1.x API only; a v2 bucket is the operator's to create). */
  ensureDatabase(): Promise<void>;
}

/** A write failure that says whether it is worth retrying (never decided from message strings). */
export class InfluxWriteError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly statusCode?: number, readonly body?: string) {
    super(message);
    this.name = 'InfluxWriteError';
  }
}

/**
 * A thin layer over `@influxdata/influxdb-client`'s transport: it speaks `/write` (1.x) or
 * `/api/v2/write` (1.8+, 2.x, 3.x), and InfluxQL over `/query`, which all of them answer.
 * Credentials travel in headers, never in URLs, so they never reach an access log.
 */
export function createInfluxClient(target: InfluxTarget, options: { timeoutMs?: number; gzipThreshold?: number } = {}): InfluxClient {
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
  const writePath = target.api === 'v1'
    ? `/write?${new URLSearchParams({ db: target.db, precision: 'ms', ...(target.rp ? { rp: target.rp } : {}) })}`
    : `/api/v2/write?${new URLSearchParams({ org: target.org, bucket: target.bucket, precision: 'ms' })}`;
  const db = target.api === 'v1' ? target.db : target.bucket;

  return {
    target,
    async write(lines) {
      try {
        await transport.request(writePath, lines, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          gzipThreshold: options.gzipThreshold ?? 1000,
        });
      } catch (err) {
        if (err instanceof HttpError) {
          // 4xx other than 429 means the data or the request is wrong: retrying cannot help.
          const retryable = err.statusCode >= 500 || err.statusCode === 429 || err.statusCode === 408;
          throw new InfluxWriteError(`InfluxDB answered ${err.statusCode}: ${err.body ?? err.message}`, retryable, err.statusCode, err.body);
        }
        throw new InfluxWriteError(`InfluxDB unreachable: ${(err as Error).message}`, true);
      }
    },
    async query(influxql) {
      const params = new URLSearchParams({ db, q: influxql, epoch: 'ms' });
      if (target.api === 'v1' && target.rp) params.set('rp', target.rp);
      const res = (await transport.request(`/query?${params}`, '', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } })) as {
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
      await transport.request(`/query?${new URLSearchParams({ q })}`, '', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    },
  };
}
