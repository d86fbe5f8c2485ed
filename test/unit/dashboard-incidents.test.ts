import { describe, expect, it } from 'vitest';
import type { Incident, StationSummary } from '../../core/index.js';
import {
  byWorst,
  chartEnd,
  memberSeries,
  projectionText,
  timelineText,
  titleOf,
  zoneRisk,
} from '../../dashboard/web/src/incidents/incident-view.js';
import { href, parseRoute } from '../../dashboard/web/src/router.js';
import { pageKey } from '../../dashboard/web/src/scroll-reset.js';

const member = (station: string, parameter: string, joinedAt: number): Incident['members'][number] => ({
  alertId: `${station}-${parameter}`,
  station,
  parameter,
  rule: 'threshold',
  severity: 'warning',
  joinedAt,
});

const incident = (over: Partial<Incident>): Incident => ({
  id: 'INC-1',
  kind: 'river_spread',
  severity: 'warning',
  state: 'open',
  zone: 'YENPHONG',
  province: 'Bắc Ninh',
  water: 'CAU',
  startedAt: 1_000,
  updatedAt: 1_000,
  members: [member('S1', 'COD', 1_000)],
  timeline: [],
  ...over,
});

const stations = new Map<string, StationSummary>([
  [
    'S1',
    {
      id: 'S1',
      name: 'Outfall 1',
      kind: 'wastewater',
      zoneId: 'YENPHONG',
      zoneName: 'Yên Phong',
      province: 'Bắc Ninh',
      facilityName: 'F',
      lat: 21,
      lon: 106,
      parameters: [],
    },
  ],
]);

describe('the incidents on the page', () => {
  it('routes the list, a zone’s list, the page and the report, each its own page', () => {
    expect(parseRoute(href.incidents())).toEqual({ name: 'incidents' });
    expect(parseRoute(href.incidents('YENPHONG'))).toEqual({ name: 'incidents', zone: 'YENPHONG' });
    expect(parseRoute(href.incident('INC-7D/1'))).toEqual({ name: 'incident', id: 'INC-7D/1' });
    expect(parseRoute(href.incidentReport('INC-1'))).toEqual({ name: 'incident-report', id: 'INC-1' });
    expect(pageKey(parseRoute('#/incident/A'))).not.toBe(pageKey(parseRoute('#/incident/B')));
  });

  it('sorts worst first: critical, then the widest spread, then the oldest', () => {
    const a = incident({ id: 'a', severity: 'warning', startedAt: 1 });
    const b = incident({ id: 'b', severity: 'critical', startedAt: 5 });
    const c = incident({ id: 'c', severity: 'warning', startedAt: 9, members: [member('S1', 'COD', 9), member('S2', 'COD', 10)] });
    const d = incident({ id: 'd', severity: 'warning', startedAt: 0 });
    expect([a, b, c, d].sort(byWorst).map((i) => i.id)).toEqual(['b', 'c', 'd', 'a']);
  });

  it('titles with the catalogue’s zone name and says the forecast and the timeline in Vietnamese', () => {
    const i = incident({ projection: { station: 'S1', parameter: 'COD', at: Date.UTC(2025, 0, 1, 3, 0) } });
    expect(titleOf(i, stations)).toBe('Lan truyền theo dòng sông — CAU, Yên Phong (Bắc Ninh) — 1 trạm');
    expect(projectionText(i, stations)).toBe('Dự báo: COD tại S1 Outfall 1 vượt giới hạn lúc 2025-01-01 10:00');
    expect(projectionText(incident({}), stations)).toBeUndefined();
    expect(timelineText({ at: 1, type: 'joined', station: 'S1', parameter: 'COD' }, stations)).toBe('Thêm cảnh báo — S1 Outfall 1 · COD');
    expect(timelineText({ at: 1, type: 'acknowledged', by: 'an' }, stations)).toBe('Đã tiếp nhận — bởi an');
  });

  it('charts each member series once, in join order, up to the closing or the next minute', () => {
    const i = incident({ members: [member('S2', 'TSS', 30), member('S1', 'COD', 10), member('S2', 'TSS', 40), member('S1', 'NH4', 20)] });
    expect(memberSeries(i)).toEqual([
      { station: 'S1', parameter: 'COD' },
      { station: 'S1', parameter: 'NH4' },
      { station: 'S2', parameter: 'TSS' },
    ]);
    expect(chartEnd(i, 90_001)).toBe(120_000);
    expect(chartEnd(incident({ closedAt: 5_000 }), 90_001)).toBe(5_000);
  });

  it('gives each zone the worst severity of its open incidents', () => {
    const risk = zoneRisk([
      incident({ zone: 'A', severity: 'critical' }),
      incident({ zone: 'A', severity: 'warning' }),
      incident({ zone: 'B', severity: 'warning' }),
      incident({ zone: 'C', severity: 'critical', state: 'closed' }),
    ]);
    expect([...risk]).toEqual([
      ['A', 'critical'],
      ['B', 'warning'],
    ]);
  });
});
