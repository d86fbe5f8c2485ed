// The report pages: importing this module puts the theme on the document and defines
// <qt-report-station> and <qt-report-zone>; the dashboard's router places them.
import { applyTheme } from '../theme.js';

export { QtReportStation } from './qt-report-station.js';
export { QtReportZone } from './qt-report-zone.js';

applyTheme();
