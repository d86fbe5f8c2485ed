import { z } from 'zod';

/**
 * The compliance reports' JSON (reports/ serves it, dashboard/web/src/reports renders it,
 * the open-data API publishes part of it). Times are epoch ms; dates and hours are station
 * local time, UTC+7 (Asia/Ho_Chi_Minh keeps no daylight saving).
 *
 * The validity rules are adopted from US/EU CEMS practice (docs/DOMAIN.md, "Averages and data
 * validity"): no Vietnamese rule was found, and every view of these figures says so.
 */

/** The limit in force on a day (QCVN column x coefficients); `lower` for pH only. */
export const ReportLimitSchema = z.object({
  regulation: z.string(),
  column: z.string(),
  max: z.number(),
  lower: z.number().optional(),
});
export type ReportLimit = z.infer<typeof ReportLimitSchema>;

/**
 * `null` validity: the period is not over yet (now is inside it, or it is in the future),
 * so it can be neither valid nor invalid.
 */
const Validity = z.boolean().nullable();

/** One hour of one parameter. */
export const HourFiguresSchema = z.object({
  /** Start of the hour, epoch ms; `hour` is its local label, "08:00". */
  start: z.number(),
  hour: z.string(),
  /** Valid values (status 00, inside the instrument range) and their min, max. */
  count: z.number().int(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** Hourly average: the mean of the quarter-hour means that hold values. */
  mean: z.number().nullable(),
  /** Quarter-hours (of 4) holding at least one valid value; 3 make a valid hour. */
  quarters: z.number().int(),
  valid: Validity,
  /** Values expected so far (one per reporting interval), those received and valid, and their %. */
  expected: z.number().int(),
  received: z.number().int(),
  availability: z.number().nullable(),
  /** A valid hourly average outside the limit in force that day. */
  exceeds: z.boolean(),
});
export type HourFigures = z.infer<typeof HourFiguresSchema>;

/** One local day of one parameter. */
export const DayFiguresSchema = z.object({
  /** YYYY-MM-DD, local. */
  date: z.string(),
  count: z.number().int(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** Daily average: the mean of the day's valid hourly averages. */
  mean: z.number().nullable(),
  validHours: z.number().int(),
  /** Half-hours, of those already over, without values in both quarter-hours; a valid day has at most 5. */
  invalidHalfHours: z.number().int(),
  valid: Validity,
  /** Values expected so far (one per reporting interval) and those received and valid. */
  expected: z.number().int(),
  received: z.number().int(),
  availability: z.number().nullable(),
  /** Valid hourly averages outside the limit. */
  exceedances: z.number().int(),
  /** The daily average of a valid day is outside the limit. */
  meanExceeds: z.boolean(),
  limit: ReportLimitSchema.nullable(),
});
export type DayFigures = z.infer<typeof DayFiguresSchema>;

export const ReportStationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['wastewater', 'stack']),
  facility: z.string(),
  zoneId: z.string(),
  zoneName: z.string(),
  province: z.string(),
  /** Seconds between the values the station is expected to send. */
  intervalS: z.number(),
});
export type ReportStation = z.infer<typeof ReportStationSchema>;

export const ReportParameterSchema = z.object({
  parameter: z.string(),
  name: z.string(),
  nameVi: z.string(),
  unit: z.string(),
  rangeMin: z.number().optional(),
  rangeMax: z.number().optional(),
});
export type ReportParameter = z.infer<typeof ReportParameterSchema>;

/** The rules behind the figures, as text a reader can check; `label` is shown wherever figures are. */
export const ValidityRulesSchema = z.object({
  label: z.string(),
  labelVi: z.string(),
  rules: z.array(z.string()),
});
export type ValidityRules = z.infer<typeof ValidityRulesSchema>;

const Header = {
  timezone: z.literal('UTC+07:00'),
  generatedAt: z.number(),
  validityRules: ValidityRulesSchema,
};

/** Share of expected values received and valid, for a whole station. */
export const AvailabilitySchema = z.object({
  expected: z.number().int(),
  received: z.number().int(),
  availability: z.number().nullable(),
});
export type Availability = z.infer<typeof AvailabilitySchema>;

export const StationDayReportSchema = z.object({
  kind: z.literal('station-day'),
  ...Header,
  date: z.string(),
  station: ReportStationSchema,
  availability: AvailabilitySchema,
  parameters: z.array(ReportParameterSchema.extend({ day: DayFiguresSchema, hours: z.array(HourFiguresSchema) })),
});
export type StationDayReport = z.infer<typeof StationDayReportSchema>;

export const StationMonthReportSchema = z.object({
  kind: z.literal('station-month'),
  ...Header,
  /** YYYY-MM. */
  month: z.string(),
  station: ReportStationSchema,
  availability: AvailabilitySchema,
  /** The station's availability per day. */
  days: z.array(AvailabilitySchema.extend({ date: z.string() })),
  parameters: z.array(
    ReportParameterSchema.extend({
      days: z.array(DayFiguresSchema),
      /** Over the month: values, min, max, mean of the valid hourly averages, valid days, exceedances. */
      month: z.object({
        count: z.number().int(),
        min: z.number().nullable(),
        max: z.number().nullable(),
        mean: z.number().nullable(),
        validDays: z.number().int(),
        invalidDays: z.number().int(),
        expected: z.number().int(),
        received: z.number().int(),
        availability: z.number().nullable(),
        exceedances: z.number().int(),
        daysMeanExceeds: z.number().int(),
      }),
    }),
  ),
});
export type StationMonthReport = z.infer<typeof StationMonthReportSchema>;

export const ZoneDayReportSchema = z.object({
  kind: z.literal('zone-day'),
  ...Header,
  date: z.string(),
  zone: z.object({ id: z.string(), name: z.string(), province: z.string() }),
  stations: z.array(
    z.object({
      station: ReportStationSchema,
      availability: AvailabilitySchema,
      parameters: z.array(ReportParameterSchema.extend({ day: DayFiguresSchema })),
    }),
  ),
});
export type ZoneDayReport = z.infer<typeof ZoneDayReportSchema>;
