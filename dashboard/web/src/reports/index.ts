// The report pages (issue 8): importing this module defines <qt-report-station> and
// <qt-report-zone>; the dashboard's router places them.
export { QtReportStation } from './qt-report-station.js';
export { QtReportZone } from './qt-report-zone.js';
export { reportLabels, type ReportLabels, type ReportLocale } from './report-labels.js';
