export { createReports, type Reports, type ReportsOptions } from './create-reports.js';
export type { ReportRoute } from './http-util.js';
export type { InfluxQuery, QuerySeries } from './influx-queries.js';
export type { ReportService } from './report-service.js';
