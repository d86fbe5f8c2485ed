import {
  QuantracError,
  type Availability,
  type Catalogue,
  type InfluxQuery,
  type StationDayReport,
  type StationMonthReport,
  type ValidityRules,
  type ZoneDayReport,
} from '../core/index.js';
import { localDate, localMonth, parseLocalDay, parseLocalMonth } from '../platform/index.js';
import { stationFigures } from './station-figures.js';
import { MAX_INVALID_HALF_HOURS, MIN_QUARTERS_PER_HOUR, percent, roundMean } from './validity.js';

/** Shown wherever the figures are (docs/DOMAIN.md: "adopted practice, say so in the UI"). */
export const VALIDITY_RULES: ValidityRules = {
  label: 'validity rules adopted from US/EU practice',
  labelVi: 'quy tắc hợp lệ số liệu áp dụng theo thông lệ Hoa Kỳ/EU',
  rules: [
    'values flagged 01 (calibrating) or 02 (device fault), and values outside the instrument range, are excluded',
    `a valid hour has values in at least ${MIN_QUARTERS_PER_HOUR} of its 4 quarter-hours (US 40 CFR 60.13(h) style); the hourly average is the mean of its quarter-hour means`,
    'a valid half-hour has values in both of its quarter-hours',
    `a valid day has at most ${MAX_INVALID_HALF_HOURS} invalid half-hours (EU IED Annex VI); the daily average is the mean of its valid hourly averages`,
    'availability: reporting intervals of the station holding at least one valid value over the intervals expected, in % (several values in one interval count once; never above 100 %)',
    'an exceedance is a valid hourly average outside the limit in force that day (above the maximum, or below the lower bound for pH)',
    'days and hours are local time, UTC+7',
  ],
};

/** A request the reports cannot answer: `status` is the HTTP status to send. */
export class ReportRequestError extends QuantracError {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(status === 404 ? 'ERR_NOT_FOUND' : 'ERR_BAD_REQUEST', message);
    this.name = 'ReportRequestError';
  }
}

export interface ReportContext {
  query: InfluxQuery;
  catalogue: Catalogue;
  now: number;
}

/** The earliest day a report covers; anything older is a typo rather than a request. */
const EARLIEST = '2000-01-01';

function dayStart(date: string, now: number): number {
  const start = parseLocalDay(date);
  if (start === undefined) throw new ReportRequestError(400, `date must be a real day as YYYY-MM-DD (got ${JSON.stringify(date)})`);
  if (date < EARLIEST || date > localDate(now))
    throw new ReportRequestError(400, `date must be from ${EARLIEST} to today (${localDate(now)}, UTC+7)`);
  return start;
}

function station(ctx: ReportContext, id: string) {
  const s = ctx.catalogue.station(id);
  if (s === undefined) throw new ReportRequestError(404, `no station ${JSON.stringify(id)} in the catalogue`);
  return s;
}

function total(parts: Array<{ expected: number; received: number }>): Availability {
  const expected = parts.reduce((a, p) => a + p.expected, 0);
  const received = parts.reduce((a, p) => a + p.received, 0);
  return { expected, received, availability: percent(received, expected) };
}

const header = (now: number) => ({ timezone: 'UTC+07:00' as const, generatedAt: now, validityRules: VALIDITY_RULES });

export async function stationDayReport(ctx: ReportContext, stationId: string, date: string): Promise<StationDayReport> {
  const s = station(ctx, stationId);
  const f = await stationFigures(ctx.query, ctx.catalogue, s, dayStart(date, ctx.now), 1, ctx.now);
  const parameters = f.parameters.map(({ days, ...p }) => ({ ...p, day: days[0]!.day, hours: days[0]!.hours }));
  return {
    kind: 'station-day',
    ...header(ctx.now),
    date,
    station: f.station,
    availability: total(parameters.map((p) => p.day)),
    parameters,
  };
}

export async function stationMonthReport(ctx: ReportContext, stationId: string, month: string): Promise<StationMonthReport> {
  const s = station(ctx, stationId);
  const span = parseLocalMonth(month);
  if (span === undefined) throw new ReportRequestError(400, `month must be YYYY-MM (got ${JSON.stringify(month)})`);
  if (month < EARLIEST.slice(0, 7) || month > localMonth(ctx.now))
    throw new ReportRequestError(400, `month must be from ${EARLIEST.slice(0, 7)} to this month (${localMonth(ctx.now)}, UTC+7)`);
  const f = await stationFigures(ctx.query, ctx.catalogue, s, span.start, span.days, ctx.now);
  const parameters = f.parameters.map(({ days, ...p }) => {
    const validHours = days.flatMap((d) => d.hours.filter((h) => h.valid === true));
    const figures = days.map((d) => d.day);
    const mins = figures.flatMap((d) => (d.min === null ? [] : [d.min]));
    const maxs = figures.flatMap((d) => (d.max === null ? [] : [d.max]));
    return {
      ...p,
      days: figures,
      month: {
        count: figures.reduce((a, d) => a + d.count, 0),
        min: mins.length > 0 ? Math.min(...mins) : null,
        max: maxs.length > 0 ? Math.max(...maxs) : null,
        mean: validHours.length > 0 ? roundMean(validHours.reduce((a, h) => a + h.mean!, 0) / validHours.length) : null,
        validDays: figures.filter((d) => d.valid === true).length,
        invalidDays: figures.filter((d) => d.valid === false).length,
        ...total(figures),
        exceedances: figures.reduce((a, d) => a + d.exceedances, 0),
        daysMeanExceeds: figures.filter((d) => d.meanExceeds).length,
      },
    };
  });
  const days = Array.from({ length: span.days }, (_, i) => ({
    date: parameters[0]?.days[i]?.date ?? '',
    ...total(parameters.map((p) => p.days[i]!)),
  }));
  return {
    kind: 'station-month',
    ...header(ctx.now),
    month,
    station: f.station,
    availability: total(parameters.map((p) => p.month)),
    days,
    parameters,
  };
}

/** A zone's day: every station of it, or only those of `only` (a scoped user's, in scope). */
export async function zoneDayReport(ctx: ReportContext, zoneId: string, date: string, only?: readonly string[]): Promise<ZoneDayReport> {
  const zone = ctx.catalogue.zones.find((z) => z.id === zoneId);
  if (zone === undefined) throw new ReportRequestError(404, `no zone ${JSON.stringify(zoneId)} in the catalogue`);
  const start = dayStart(date, ctx.now);
  const wanted = only === undefined ? undefined : new Set(only);
  const members = ctx.catalogue.stations.filter((s) => ctx.catalogue.zoneOf(s.id)?.id === zone.id && (wanted?.has(s.id) ?? true));
  // One station at a time (each runs a few queries at once): InfluxDB is shared with ingest.
  const results: ZoneDayReport['stations'] = [];
  for (const s of members) {
    const f = await stationFigures(ctx.query, ctx.catalogue, s, start, 1, ctx.now);
    const parameters = f.parameters.map(({ days, ...p }) => ({ ...p, day: days[0]!.day }));
    results.push({ station: f.station, availability: total(parameters.map((p) => p.day)), parameters });
  }
  return { kind: 'zone-day', ...header(ctx.now), date, zone: { id: zone.id, name: zone.name, province: zone.province }, stations: results };
}
