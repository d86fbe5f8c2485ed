import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, mapSettings, tileImageSource, type StationSummary } from '../../core/index.js';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../../platform/index.js';
import { STATE_ORDER, type StationState } from '../../dashboard/web/src/station-state.js';
import { byRank, clusterByZone, stateRank, worstState, zIndexOffset, Z_STEP } from '../../dashboard/web/src/map/zones.js';

const station = (id: string, zoneId: string, lat: number, lon: number): StationSummary =>
  ({
    id,
    name: `Station ${id}`,
    facility: 'F',
    facilityName: 'Facility',
    zoneId,
    zoneName: `Zone ${zoneId}`,
    province: 'Hà Nội',
    lat,
    lon,
    parameters: [],
  }) as unknown as StationSummary;

describe('the map: zones and the worst state on top', () => {
  it('ranks states worst highest, in the order of STATE_ORDER', () => {
    expect(stateRank('critical')).toBe(STATE_ORDER.length - 1);
    expect(stateRank('normal')).toBe(0);
    const ranks = STATE_ORDER.map(stateRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(worstState(['normal', 'warning', 'calibrating'])).toBe('warning');
    expect(worstState(['fault', 'interrupted', 'normal'])).toBe('interrupted');
    expect(worstState([])).toBe('normal');
  });

  it('groups stations by zone at their centroid, coloured by the worst station', () => {
    const stations = [
      station('a1', 'A', 21, 105),
      station('a2', 'A', 21.2, 105.4),
      station('b1', 'B', 10.8, 106.7),
      station('c1', 'C', 16, 108),
    ];
    const states = new Map<string, StationState>([
      ['a1', 'normal'],
      ['a2', 'critical'],
      ['b1', 'warning'],
    ]);
    const zones = clusterByZone(stations, states);
    expect(zones.map((z) => z.id)).toEqual(['B', 'C', 'A']); // warning, then interrupted (no state known), then critical last = on top
    const a = zones.find((z) => z.id === 'A')!;
    expect(a.stations.map((s) => s.id)).toEqual(['a1', 'a2']);
    expect(a.lat).toBeCloseTo(21.1, 6);
    expect(a.lon).toBeCloseTo(105.2, 6);
    expect(a.state).toBe('critical');
    expect(zones.find((z) => z.id === 'C')!.state).toBe('interrupted');
  });

  it('lifts every worse state above any better one whatever the screen position', () => {
    // Leaflet's z-index is the marker's pixel y plus its offset: a map is far less than Z_STEP pixels tall.
    for (let i = 1; i < STATE_ORDER.length; i++) {
      const worse = STATE_ORDER[i - 1]!;
      const better = STATE_ORDER[i]!;
      expect(zIndexOffset(worse) - zIndexOffset(better)).toBeGreaterThanOrEqual(Z_STEP);
    }
    const drawn = byRank(['normal', 'critical', 'warning', 'normal'] as StationState[], (s) => s);
    expect(drawn).toEqual(['normal', 'normal', 'warning', 'critical']);
  });
});

describe('the offline basemap', () => {
  const file = new URL('../../dashboard/web/src/map/basemap-vn.json', import.meta.url);
  const basemap = JSON.parse(readFileSync(file, 'utf8')) as {
    type: string;
    features: Array<{ type: string; properties: { kind: string; name?: string }; geometry: { type: string; coordinates: unknown } }>;
  };

  it('is a small GeoJSON FeatureCollection of named provinces, rivers and neighbouring land', () => {
    expect(statSync(file).size).toBeLessThan(250 * 1024);
    expect(basemap.type).toBe('FeatureCollection');
    for (const f of basemap.features) {
      expect(f.type).toBe('Feature');
      expect(['province', 'islands', 'river', 'land']).toContain(f.properties.kind);
    }
    const provinces = basemap.features.filter((f) => f.properties.kind === 'province');
    expect(provinces.length).toBe(63);
    const names = provinces.map((f) => f.properties.name);
    expect(new Set(names).size).toBe(63);
    // As the source spells them; the last four are the script's checked corrections.
    for (const n of ['Ha Noi', 'Hồ Chí Minh city', 'Bắc Ninh', 'Đồng Nai', 'Hưng Yên', 'Bắc Kạn', 'Đồng Tháp']) expect(names).toContain(n);
    for (const f of provinces) expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    expect(basemap.features.filter((f) => f.properties.kind === 'river').every((f) => f.geometry.type === 'MultiLineString')).toBe(true);
  });

  it('has every coordinate a [lon, lat] pair in the frame around Vietnam, at most 3 decimals', () => {
    const walk = (c: unknown): void => {
      if (Array.isArray(c) && typeof c[0] === 'number') {
        const [lon, lat] = c as number[];
        expect(lon).toBeGreaterThanOrEqual(90);
        expect(lon).toBeLessThanOrEqual(126);
        expect(lat).toBeGreaterThanOrEqual(2);
        expect(lat).toBeLessThanOrEqual(28);
        expect(Math.round(lon! * 1000) / 1000).toBe(lon);
      } else if (Array.isArray(c)) c.forEach(walk);
    };
    for (const f of basemap.features) walk(f.geometry.coordinates);
  });
});

describe('MAP_STYLE_URL', () => {
  it('defaults to the offline basemap', () => {
    const config = loadConfig({});
    expect(config.MAP_STYLE_URL).toBe('');
    expect(mapSettings(config)).toEqual({ attribution: '' });
  });

  it('takes a tile URL template, remote or on the same origin, with its attribution', () => {
    const url = 'https://tiles.example.vn/{z}/{x}/{y}.png';
    const config = loadConfig({ MAP_STYLE_URL: url, MAP_ATTRIBUTION: '© Example' });
    expect(mapSettings(config)).toEqual({ tileUrl: url, attribution: '© Example' });
    expect(loadConfig({ MAP_STYLE_URL: '/tiles/{z}/{x}/{y}.png' }).MAP_STYLE_URL).toBe('/tiles/{z}/{x}/{y}.png');
  });

  it('refuses what is not a tile template', () => {
    for (const bad of ['https://tiles.example.vn/tile.png', 'ftp://x/{z}/{x}/{y}', 'javascript:alert(1)//{z}{x}{y}', '//cdn/{z}/{x}/{y}']) {
      expect(() => loadConfig({ MAP_STYLE_URL: bad }), bad).toThrow(/MAP_STYLE_URL/);
    }
  });

  it("names the tile server for the page's img-src, subdomains as a wildcard; none for the offline basemap or own origin", () => {
    expect(tileImageSource({ attribution: '' })).toBeUndefined();
    expect(tileImageSource({ tileUrl: '/tiles/{z}/{x}/{y}.png', attribution: '' })).toBeUndefined();
    expect(tileImageSource({ tileUrl: 'https://tiles.example.vn:8443/{z}/{x}/{y}.png', attribution: '' })).toBe(
      'https://tiles.example.vn:8443',
    );
    expect(tileImageSource({ tileUrl: 'https://{s}.tile.example.vn/{z}/{x}/{y}{r}.png', attribution: '' })).toBe(
      'https://*.tile.example.vn',
    );
    expect(contentSecurityPolicy()).toBe(SECURITY_HEADERS['content-security-policy']);
    expect(contentSecurityPolicy(['https://*.tile.example.vn'])).toContain("img-src 'self' data: https://*.tile.example.vn;");
    expect(contentSecurityPolicy(['https://*.tile.example.vn'])).toContain("connect-src 'self';");
  });
});
