export { createReports, type Reports, type ReportsOptions } from './create-reports.js';
export type { ReportService } from './report-service.js';
