import type { Catalogue, InfluxQuery, StationDayReport, StationMonthReport, ZoneDayReport } from '../core/index.js';
import { stationDayReport, stationMonthReport, zoneDayReport, type ReportContext } from './build-reports.js';
import { localDate, localMonth, type Clock } from '../platform/index.js';

export interface ReportService {
  stationDay(stationId: string, date: string): Promise<StationDayReport>;
  stationMonth(stationId: string, month: string): Promise<StationMonthReport>;
  /** `stations`: only these of the zone (a user's scope, docs/SECURITY.md "Access by level"); all when absent. */
  zoneDay(zoneId: string, date: string, stations?: readonly string[]): Promise<ZoneDayReport>;
  /** Today and this month, local time: the default period. */
  today(): string;
  thisMonth(): string;
  /** Forgets cached reports (after a late import, say). */
  clear(): void;
}

export interface ReportServiceOptions {
  query: InfluxQuery;
  catalogue: Catalogue;
  clock: Clock;
  /** A computed report is reused this long; 0 turns the cache off. */
  cacheTtlMs: number;
  maxEntries?: number;
}

/**
 * Computes reports, sharing one computation among concurrent identical requests and reusing
 * it for `cacheTtlMs`: the open-data API is public, and a popular day should cost InfluxDB
 * one pair of queries, not one per visitor. Failures are not cached.
 */
export function createReportService(options: ReportServiceOptions): ReportService {
  const { query, catalogue, clock, cacheTtlMs } = options;
  const maxEntries = options.maxEntries ?? 256;
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();

  function cached<T>(key: string, compute: (ctx: ReportContext) => Promise<T>): Promise<T> {
    const now = clock.now();
    const hit = cache.get(key);
    if (hit !== undefined && now - hit.at < cacheTtlMs) return hit.value as Promise<T>;
    const value = compute({ query, catalogue, now });
    if (cacheTtlMs > 0) {
      cache.delete(key);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(key, { at: now, value });
      value.catch(() => {
        if (cache.get(key)?.value === value) cache.delete(key);
      });
    }
    return value;
  }

  return {
    stationDay: (id, date) => cached(`sd|${id}|${date}`, (ctx) => stationDayReport(ctx, id, date)),
    stationMonth: (id, month) => cached(`sm|${id}|${month}`, (ctx) => stationMonthReport(ctx, id, month)),
    zoneDay: (id, date, stations) =>
      cached(`zd|${id}|${date}|${stations?.join(',') ?? '*'}`, (ctx) => zoneDayReport(ctx, id, date, stations)),
    today: () => localDate(clock.now()),
    thisMonth: () => localMonth(clock.now()),
    clear: () => cache.clear(),
  };
}
