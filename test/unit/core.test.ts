import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  findPackageRoot,
  PACKAGE_ROOT,
  influxTarget,
  loadConfig,
  normaliseUnit,
  parseTimestamp,
  parseTopic,
  readingsTopic,
  errorsTopic,
  statusTopic,
  alertsTopic,
} from '../../core/index.js';

describe('topics (PROTOCOL.md, "Topics")', () => {
  it('builds and parses the gateway topics', () => {
    expect(readingsTopic('BN-X-1')).toBe('stations/BN-X-1/readings');
    expect(statusTopic('BN-X-1')).toBe('stations/BN-X-1/status');
    expect(errorsTopic('BN-X-1')).toBe('stations/BN-X-1/errors');
    expect(alertsTopic('YENPHONG', 'BN-X-1')).toBe('alerts/YENPHONG/BN-X-1');
    expect(parseTopic('stations/BN-X-1/readings')).toEqual({ kind: 'readings', stationId: 'BN-X-1' });
    expect(parseTopic('stations/BN-X-1/status')).toEqual({ kind: 'status', stationId: 'BN-X-1' });
  });

  it.each([
    'stations/bn-lower/readings',
    'stations/BN-X-1/other',
    'stations/BN-X-1/readings/extra',
    'alerts/Z/BN-X-1',
    'stations//readings',
    'stations/AB/readings',
    '$SYS/broker',
  ])('refuses %s', (topic) => {
    expect(parseTopic(topic)).toBeUndefined();
  });
});

describe('units (PROTOCOL.md aliases)', () => {
  it.each([
    ['mg/l', 'mg/L'],
    ['m³/h', 'm3/h'],
    ['oC', '°C'],
    ['degC', '°C'],
    ['C', '°C'],
    ['mg/Nm3', 'mg/Nm3'],
    [' mg/L ', 'mg/L'],
  ])('%s -> %s', (raw, unit) => {
    expect(normaliseUnit(raw)).toBe(unit);
  });
  it('an unknown unit is undefined', () => {
    expect(normaliseUnit('ppb')).toBeUndefined();
  });
});

describe('timestamps', () => {
  it('takes RFC 3339 with an offset and epoch ms', () => {
    expect(parseTimestamp('2026-11-27T08:15:00+07:00')).toBe(Date.UTC(2026, 10, 27, 1, 15));
    expect(parseTimestamp('2026-11-27T01:15:00.250Z')).toBe(Date.UTC(2026, 10, 27, 1, 15, 0, 250));
    expect(parseTimestamp(1_764_206_100_000)).toBe(1_764_206_100_000);
  });
  it.each(['2026-11-27T08:15:00', '2026-11-27', 'yesterday', 1.5, -1, '2026-13-27T08:15:00Z', null])('refuses %s', (ts) => {
    expect(parseTimestamp(ts)).toBeUndefined();
  });
});

describe('config (one schema over the environment)', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.MQTT_PORT).toBe(1883);
    expect(c.HTTP_PORT).toBe(8080);
    expect(c.DATA_DIR).toBe('./data');
    // The shipped files are found from the package, whatever the working directory (core/package-paths.ts).
    expect(c.CATALOGUE).toBe(fileURLToPath(new URL('../../seeds/catalogue.json', import.meta.url)));
    expect(c.ALERTS_RULES_FILE).toBe(fileURLToPath(new URL('../../seeds/rules.json', import.meta.url)));
    expect(c.DEMO_SCENARIO_FILE).toBe(fileURLToPath(new URL('../../seeds/scenarios/demo.json', import.meta.url)));
    expect(c.INFLUX_URL).toBeUndefined();
  });
  it('finds the package root from its own folder and from below it (the alerts worker bundle under node_modules/.cache)', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
    expect(PACKAGE_ROOT).toBe(root);
    expect(findPackageRoot(join(root, 'node_modules', '.cache', 'quantrac'))).toBe(root);
    expect(findPackageRoot(tmpdir())).toBeUndefined();
  });
  it("keeps the operator's paths as given (relative to the working directory)", () => {
    const c = loadConfig({ CATALOGUE: 'my/catalogue.json', ALERTS_RULES_FILE: 'my/rules.json', DATA_DIR: 'd' });
    expect([c.CATALOGUE, c.ALERTS_RULES_FILE, c.DATA_DIR]).toEqual(['my/catalogue.json', 'my/rules.json', 'd']);
  });
  it('names every bad variable', () => {
    expect(() => loadConfig({ MQTT_PORT: '70000', HTTP_PORT: 'x' })).toThrow(ConfigError);
    try {
      loadConfig({ MQTT_PORT: '70000', HTTP_PORT: 'x' });
    } catch (err) {
      expect((err as Error).message).toContain('MQTT_PORT');
      expect((err as Error).message).toContain('HTTP_PORT');
    }
  });
  it('chooses the v2 API when org and bucket are set, else 1.x', () => {
    expect(influxTarget(loadConfig({ INFLUX_DB: 'x' }), 'http://h:1').api).toBe('v1');
    expect(influxTarget(loadConfig({ INFLUX_ORG: 'o', INFLUX_BUCKET: 'b', INFLUX_TOKEN: 't' }), 'http://h:1')).toMatchObject({
      api: 'v2',
      org: 'o',
      bucket: 'b',
    });
    expect(() => loadConfig({ INFLUX_ORG: 'o' })).toThrow(/go together/);
  });
});
