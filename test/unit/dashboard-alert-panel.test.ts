import { describe, expect, it } from 'vitest';
import type { Alert, StationSummary } from '../../core/index.js';
import { alertViewQuery, filterAlerts, filterChoices, parseAlertView, sortAlertsBy } from '../../dashboard/web/src/alerts/alert-filter.js';
import { formatCount, formatDuration } from '../../dashboard/web/src/alerts/alert-duration.js';
import { t } from '../../dashboard/web/src/i18n/index.js';
import { countAlerts } from '../../dashboard/web/src/model/alerts.js';
import { href, parseRoute } from '../../dashboard/web/src/router.js';

const MIN = 60_000;
const station = (id: string, zoneId: string, zoneName: string, province: string): StationSummary =>
  ({ id, name: id, kind: 'wastewater', zoneId, zoneName, province, facilityName: 'F', lat: 0, lon: 0, parameters: [] }) as StationSummary;
const STATIONS = new Map(
  [
    station('BN-1', 'YENPHONG', 'Yên Phong', 'Bắc Ninh'),
    station('HN-1', 'QUANGMINH', 'Quang Minh', 'Hà Nội'),
    station('HN-2', 'QUANGMINH', 'Quang Minh', 'Hà Nội'),
  ].map((s) => [s.id, s]),
);
const alert = (id: string, station: string, zone: string, over: Partial<Alert> = {}): Alert =>
  ({
    id,
    station,
    zone,
    parameter: 'COD',
    rule: 'threshold',
    severity: 'warning',
    state: 'firing',
    message: '',
    since: 0,
    updatedAt: 0,
    ...over,
  }) as Alert;
const ALERTS = [
  alert('a', 'BN-1', 'YENPHONG', { severity: 'critical', since: 30 * MIN }),
  alert('b', 'HN-1', 'QUANGMINH', { severity: 'warning', since: 10 * MIN }),
  alert('c', 'HN-2', 'QUANGMINH', { severity: 'critical', since: 20 * MIN, state: 'acknowledged' }),
  alert('d', 'HN-2', 'QUANGMINH', { severity: 'warning', since: 40 * MIN, state: 'pending', rule: 'average' }),
  alert('e', 'centre', 'centre', { severity: 'warning', since: 5 * MIN, rule: 'backlog', parameter: '*' }),
];
const ids = (list: Alert[]): string[] => list.map((a) => a.id);

describe('the alerts panel: filters, sort, duration, header counts', () => {
  it('filters by zone, province (the station’s), severity, state and rule, each alone and together', () => {
    expect(ids(filterAlerts(ALERTS, { zone: 'QUANGMINH' }, STATIONS))).toEqual(['b', 'c', 'd']);
    expect(ids(filterAlerts(ALERTS, { province: 'Bắc Ninh' }, STATIONS))).toEqual(['a']);
    expect(ids(filterAlerts(ALERTS, { severity: 'critical' }, STATIONS))).toEqual(['a', 'c']);
    expect(ids(filterAlerts(ALERTS, { state: 'pending' }, STATIONS))).toEqual(['d']);
    expect(ids(filterAlerts(ALERTS, { rule: 'backlog' }, STATIONS))).toEqual(['e']);
    expect(ids(filterAlerts(ALERTS, { zone: 'QUANGMINH', severity: 'critical', state: 'firing' }, STATIONS))).toEqual([]);
    expect(ids(filterAlerts(ALERTS, {}, STATIONS))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('sorts worst then oldest by default, newest first by time, longest first by duration, by station and zone name', () => {
    expect(ids(sortAlertsBy(ALERTS))).toEqual(['c', 'a', 'e', 'b', 'd']);
    expect(ids(sortAlertsBy(ALERTS, 'time'))).toEqual(['d', 'a', 'c', 'b', 'e']);
    expect(ids(sortAlertsBy(ALERTS, 'duration'))).toEqual(['e', 'b', 'c', 'a', 'd']);
    expect(ids(sortAlertsBy(ALERTS, 'station'))).toEqual(['a', 'e', 'b', 'c', 'd']);
    // Zones by name: "centre" (no station) < "Quang Minh" < "Yên Phong"; ties worst then oldest.
    expect(ids(sortAlertsBy(ALERTS, 'zone', STATIONS))).toEqual(['e', 'c', 'b', 'd', 'a']);
  });

  it('keeps the view in the hash query and back; unknown values are dropped, the default sort is left out', () => {
    const view = {
      zone: 'QUANGMINH',
      province: 'Hà Nội',
      severity: 'critical',
      state: 'firing',
      rule: 'average',
      sort: 'duration',
    } as const;
    const query = alertViewQuery(view);
    expect(parseAlertView(new URLSearchParams(query.slice(1)))).toEqual(view);
    expect(alertViewQuery({ sort: 'severity' })).toBe('');
    expect(parseAlertView(new URLSearchParams('severity=loud&state=resolved&rule=x&sort=y&zone='))).toEqual({});
    expect(parseRoute(href.alerts('open', view))).toEqual({ name: 'alerts', tab: 'open', view });
    expect(parseRoute('#/alerts')).toEqual({ name: 'alerts', tab: 'open', view: {} });
    expect(parseRoute('#/alerts/history')).toMatchObject({ name: 'alerts', tab: 'history' });
    expect(href.alerts('open', { severity: 'critical', state: 'firing' })).toBe('#/alerts?severity=critical&state=firing');
  });

  it('offers the zones and provinces of the stations in scope, sorted by name', () => {
    expect(filterChoices(STATIONS.values())).toEqual({
      zones: [
        ['QUANGMINH', 'Quang Minh'],
        ['YENPHONG', 'Yên Phong'],
      ],
      provinces: ['Bắc Ninh', 'Hà Nội'],
    });
  });

  it('writes durations in each language, two units at most', () => {
    expect(formatDuration(12 * MIN + 59_000, 'vi')).toBe('12 phút');
    expect(formatDuration(125 * MIN, 'vi')).toBe('2 giờ 5 phút');
    expect(formatDuration(120 * MIN, 'vi')).toBe('2 giờ');
    expect(formatDuration((3 * 24 + 4) * 60 * MIN + 7 * MIN, 'vi')).toBe('3 ngày 4 giờ');
    expect(formatDuration(125 * MIN, 'en')).toBe('2 h 5 min');
    expect(formatDuration(30_000, 'en')).toBe('under 1 min');
    expect(formatDuration(-5_000, 'vi')).toBe('dưới 1 phút');
    expect(formatDuration(1500 * 24 * 60 * MIN, 'vi')).toBe('1.500 ngày');
    expect(formatDuration(1500 * 24 * 60 * MIN, 'en')).toBe('1,500 d');
    expect([formatCount(1500, 'vi'), formatCount(1500, 'en')]).toEqual(['1.500', '1,500']);
  });

  it('counts firing alerts by severity, acknowledged and pending apart (resolved not at all)', () => {
    expect(countAlerts([...ALERTS, alert('r', 'BN-1', 'YENPHONG', { state: 'resolved' })])).toEqual({
      critical: 1,
      warning: 2,
      acknowledged: 1,
      pending: 1,
    });
  });

  it('uses four different words for the tab, the warning severity, the firing state and open alerts, in both languages', () => {
    for (const lang of ['vi', 'en'] as const) {
      const words = [t('nav_alerts', {}, lang), t('warning', {}, lang), t('alertState_firing', {}, lang), t('openAlerts', {}, lang)];
      expect(new Set(words.map((w) => w.toLowerCase())).size, lang).toBe(4);
    }
    expect(t('warning', {}, 'vi')).toBe('Cần chú ý');
    expect(t('state_warning', {}, 'vi')).toBe(t('warning', {}, 'vi'));
  });
});
