import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert, Reading, StationSummary } from '../../core/index.js';
import { t } from '../../dashboard/web/src/i18n/index.js';
import { LatestStore } from '../../dashboard/web/src/live/latest-store.js';
import { sortAlerts } from '../../dashboard/web/src/model/alerts.js';
import { EMPTY_FILTER, filterStations } from '../../dashboard/web/src/overview/filter.js';
import { COLOURS } from '../../dashboard/web/src/theme.js';

const SRC = 'dashboard/web/src';

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await sources(join(dir, e.name))));
    else if (e.name.endsWith('.ts')) out.push(join(dir, e.name));
  }
  return out;
}

describe('the dashboard page: theme and texts', () => {
  it('defines each colour once, in the theme only, and every var(--qt-*) used exists', async () => {
    const values = Object.values(COLOURS).map((v) => v.toLowerCase());
    expect(new Set(values).size).toBe(values.length);
    for (const file of await sources(SRC)) {
      if (file.endsWith('theme.ts')) continue;
      const text = await readFile(file, 'utf8');
      expect(text.match(/#[0-9a-f]{3,8}\b|rgba?\(/gi), file).toBeNull();
      for (const [, name] of text.matchAll(/var\(--qt-([a-z-]+)\)/g)) expect(COLOURS, `${file}: --qt-${name}`).toHaveProperty(name!);
    }
  });

  it('speaks Vietnamese by default and English on request, reports included', () => {
    expect(t('nav_overview')).toBe('Tổng quan');
    expect(t('nav_overview', {}, 'en')).toBe('Overview');
    expect(t('shown', { n: 3, total: 5 }, 'en')).toBe('3/5 stations');
    expect(t('report_stationDay', {}, 'en')).toBe('Daily report');
    expect(t('report_rule7')).toBe('Ngày giờ theo giờ Việt Nam (UTC+7).');
  });
});

const reading = (station: string, parameter: string, ts: number, value = 1, status: '00' | '01' | '02' = '00'): Reading =>
  ({ station, zone: 'z', parameter, unit: 'mg/L', value, status, ts, receivedAt: ts + 100 }) as Reading;

describe('the dashboard page: parts', () => {
  it('LatestStore keeps an entry seen by a render, and replaces it on change', () => {
    const store = new LatestStore();
    store.apply([reading('A', 'COD', 1000)]);
    const first = store.entries.get('A');
    store.apply([reading('A', 'pH', 1001)]);
    expect(store.entries.get('A')).toBe(first); // not seen yet: mutated in place
    store.seen();
    store.apply([reading('A', 'COD', 999)]); // older: ignored
    expect(store.entries.get('A')).toBe(first);
    store.apply([reading('A', 'COD', 2000, 5)]);
    const second = store.entries.get('A')!;
    expect(second).not.toBe(first);
    expect(second.readings.get('COD')!.value).toBe(5);
    expect(second.lastReceivedAt).toBe(2100);
    store.seen();
    store.replace([...second.readings.values()]);
    expect(store.entries.get('A')).toBe(second); // same content, same entry
  });

  it('filterStations narrows by zone, state and every word of the search', () => {
    const st = (id: string, zoneId: string, name: string): StationSummary =>
      ({
        id,
        zoneId,
        name,
        kind: 'wastewater',
        zoneName: zoneId,
        province: 'P',
        facilityName: 'F',
        lat: 0,
        lon: 0,
        parameters: [],
      }) as StationSummary;
    const all = [st('A', 'z1', 'Nhà máy giấy'), st('B', 'z1', 'Nhà máy thép'), st('C', 'z2', 'Nhà máy giấy')];
    const states = new Map([
      ['A', 'critical' as const],
      ['B', 'normal' as const],
      ['C', 'critical' as const],
    ]);
    expect(filterStations(all, { ...EMPTY_FILTER, search: 'máy GIẤY' }, undefined, states).map((s) => s.id)).toEqual(['A', 'C']);
    expect(filterStations(all, { ...EMPTY_FILTER, state: 'critical', zone: 'z2' }, 'z1', states).map((s) => s.id)).toEqual(['A']);
  });

  it('sortAlerts puts the worst and oldest first', () => {
    const a = (id: string, severity: 'warning' | 'critical', since: number): Alert => ({ id, severity, since }) as Alert;
    expect(sortAlerts([a('w', 'warning', 1), a('c2', 'critical', 5), a('c1', 'critical', 2)]).map((x) => x.id)).toEqual(['c1', 'c2', 'w']);
  });
});
