import type { DayFigures, HourFigures, ReportStation, StationDayReport, StationMonthReport, ZoneDayReport } from '../core/index.js';
import { toCsv, type CsvCell } from './csv.js';
import { localIso, parseLocalDay } from '../platform/index.js';
import { VALIDITY_RULES } from './build-reports.js';

/**
 * One long table for every report: a row per (station, parameter, hour or day). The
 * `validity_rules` column carries the label, so the figures never travel without it.
 */
export const CSV_HEADER = [
  'zone_id',
  'station_id',
  'parameter',
  'unit',
  'period',
  'start',
  'date',
  'hour',
  'count',
  'min',
  'max',
  'mean',
  'valid',
  'quarter_hours_with_data',
  'invalid_half_hours',
  'expected_values',
  'valid_values',
  'availability_pct',
  'limit_lower',
  'limit_max',
  'regulation',
  'exceedances',
  'mean_exceeds_limit',
  'validity_rules',
] as const;

interface Who {
  station: ReportStation;
  parameter: string;
  unit: string;
}

const validCell = (v: boolean | null): CsvCell => (v === null ? '' : v);

function hourRow(w: Who, h: HourFigures, day: DayFigures): CsvCell[] {
  return [
    w.station.zoneId,
    w.station.id,
    w.parameter,
    w.unit,
    'hour',
    localIso(h.start),
    day.date,
    h.hour,
    h.count,
    h.min,
    h.max,
    h.mean,
    validCell(h.valid),
    h.quarters,
    '',
    h.expected,
    h.received,
    h.availability,
    day.limit?.lower,
    day.limit?.max,
    day.limit ? `${day.limit.regulation} ${day.limit.column}` : '',
    h.exceeds ? 1 : 0,
    h.exceeds,
    VALIDITY_RULES.label,
  ];
}

function dayRow(w: Who, d: DayFigures): CsvCell[] {
  return [
    w.station.zoneId,
    w.station.id,
    w.parameter,
    w.unit,
    'day',
    localIso(parseLocalDay(d.date)!),
    d.date,
    '',
    d.count,
    d.min,
    d.max,
    d.mean,
    validCell(d.valid),
    '',
    d.invalidHalfHours,
    d.expected,
    d.received,
    d.availability,
    d.limit?.lower,
    d.limit?.max,
    d.limit ? `${d.limit.regulation} ${d.limit.column}` : '',
    d.exceedances,
    d.meanExceeds,
    VALIDITY_RULES.label,
  ];
}

/** A station's day: 24 hour rows then the day row, per parameter. */
export function stationDayCsv(r: StationDayReport): string {
  const rows = r.parameters.flatMap((p) => {
    const w = { station: r.station, parameter: p.parameter, unit: p.unit };
    return [...p.hours.map((h) => hourRow(w, h, p.day)), dayRow(w, p.day)];
  });
  return toCsv(CSV_HEADER, rows);
}

/** Hourly averages only (open data). */
export function hourlyCsv(r: StationDayReport): string {
  return toCsv(
    CSV_HEADER,
    r.parameters.flatMap((p) => p.hours.map((h) => hourRow({ station: r.station, parameter: p.parameter, unit: p.unit }, h, p.day))),
  );
}

/** A station's month: a day row per parameter and day. */
export function stationMonthCsv(r: StationMonthReport): string {
  return toCsv(
    CSV_HEADER,
    r.parameters.flatMap((p) => p.days.map((d) => dayRow({ station: r.station, parameter: p.parameter, unit: p.unit }, d))),
  );
}

/** A zone's day: a day row per station and parameter. */
export function zoneDayCsv(r: ZoneDayReport): string {
  return toCsv(
    CSV_HEADER,
    r.stations.flatMap((s) => s.parameters.map((p) => dayRow({ station: s.station, parameter: p.parameter, unit: p.unit }, p.day))),
  );
}
