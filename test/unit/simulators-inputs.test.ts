import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue } from '../../core/index.js';
import { validateMessage } from '../../ingest/index.js';
import {
  createStationScript,
  loadScenarioFile,
  MALFORMED_KINDS,
  parseScenarioArg,
  SCENARIO_NAMES,
  ScenarioSpecSchema,
} from '../../simulators/index.js';
import { malformedPayload } from '../../simulators/malformed-payload.js';
import { createBacklog } from '../../simulators/backlog.js';
import { localIso } from '../../platform/index.js';

const WW = 'BN-YENPHONG-F001-NT1';
let catalogue: Catalogue;
beforeAll(async () => {
  catalogue = await loadCatalogue('seeds/catalogue.json');
});

describe('malformed payloads', () => {
  it('each defect gets the code the gateway contract gives it, and the good readings of a partly bad message pass', () => {
    const now = Date.now();
    const script = createStationScript({ catalogue, station: catalogue.station(WW)!, specs: [], seed: 1, runStart: now });
    const tick = script.tick(now);
    const wire = {
      station: WW,
      ts: localIso(now, { millis: true }),
      seq: 3,
      readings: tick.readings.map((r) => ({ parameter: r.parameter, value: r.value, unit: r.unit, status: r.status })),
    };
    const window = { maxAgeMs: 30 * 86_400_000, maxAheadMs: 300_000 };
    for (const kind of MALFORMED_KINDS) {
      const bad = malformedPayload(kind, wire, now);
      const result = validateMessage(WW, bad.payload, now, catalogue, window);
      expect(
        result.rejections.map((r) => r.code),
        kind,
      ).toEqual([bad.code]);
      expect(result.accepted.length, kind).toBe(bad.whole ? 0 : wire.readings.length - 1);
    }
  });
});

describe('--scenario arguments', () => {
  it('reads name:station[:parameter][:options]', () => {
    expect(parseScenarioArg(`spike:${WW}:COD`)).toMatchObject({ name: 'spike', station: WW, parameter: 'COD', atS: 0 });
    expect(parseScenarioArg(`offline:${WW}`)).toMatchObject({ name: 'offline', station: WW });
    expect(parseScenarioArg(`offline:${WW}:*:at=30,for=60`)).toMatchObject({ name: 'offline', atS: 30, forS: 60 });
    expect(parseScenarioArg(`offline:${WW}:at=30`)).toMatchObject({ name: 'offline', atS: 30 });
    expect(parseScenarioArg(`drift:${WW}:COD:at=60,for=600,level=1.2`)).toMatchObject({ parameter: 'COD', atS: 60, forS: 600, level: 1.2 });
    expect(parseScenarioArg(`shift:${WW}:COD:factor=0.5`)).toMatchObject({ name: 'shift', parameter: 'COD', factor: 0.5 });
    expect(parseScenarioArg(`malformed:${WW}:*:kinds=not_json+unit_mismatch,everyN=2`)).toMatchObject({
      kinds: ['not_json', 'unit_mismatch'],
      everyN: 2,
    });
    expect(parseScenarioArg(`fault:${WW}:COD:status=00,mode=flatline`)).toMatchObject({ status: '00', mode: 'flatline' });
  });

  it('refuses what it cannot read, naming the scenarios it knows', () => {
    expect(() => parseScenarioArg('bogus:X')).toThrow(/--scenario "bogus:X".*station/);
    expect(() => parseScenarioArg(`explode:${WW}:COD`)).toThrow(new RegExp(SCENARIO_NAMES.join(', ')));
    expect(() => parseScenarioArg(`spike:${WW}:COD:at=soon`)).toThrow(/at takes a number/);
    expect(() => parseScenarioArg(`spike:${WW}:COD:when=3`)).toThrow(/unknown option "when=3"/);
    expect(() => parseScenarioArg('spike')).toThrow(/wrong number of parts/);
  });
});

describe('scenario files', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every file in seeds/scenarios is valid against the demo catalogue', async () => {
    for (const name of ['demo.json']) {
      const file = await loadScenarioFile(join('seeds', 'scenarios', name), catalogue);
      expect(file.scenarios.length).toBeGreaterThan(0);
    }
  });

  it('a bad file is refused with the file and the entry named', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qt-scen-'));
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ scenarios: [{ name: 'spike', station: WW, parameter: 'SO2' }] }));
    await expect(loadScenarioFile(path, catalogue)).rejects.toThrow(
      /bad\.json: scenarios\[0\] \(spike:BN-YENPHONG-F001-NT1:SO2\): .* does not measure "SO2"/,
    );
    await writeFile(path, JSON.stringify({ scenarios: [{ name: 'offline', station: WW, parameter: 'COD' }] }));
    await expect(loadScenarioFile(path, catalogue)).rejects.toThrow(/offline acts on the whole gateway/);
    await writeFile(path, JSON.stringify({ scenarios: [{ name: 'spike', station: WW, atS: 'soon' }] }));
    await expect(loadScenarioFile(path, catalogue)).rejects.toThrow(/scenarios\[0\]\.atS/);
    await writeFile(path, '{');
    await expect(loadScenarioFile(path, catalogue)).rejects.toThrow(/bad\.json/);
  });

  it('a spec names its scenario by a known name only', () => {
    expect(ScenarioSpecSchema.safeParse({ name: 'meltdown', station: WW }).success).toBe(false);
  });
});

describe('the gateway store (store-and-forward)', () => {
  const r = (ts: number) => ({ parameter: 'COD', value: ts, unit: 'mg/L', status: '00' as const, ts });

  it('gives readings back oldest first, takes unacknowledged ones back at the front', () => {
    const b = createBacklog(100);
    b.push([r(1), r(2), r(3)]);
    const first = b.take(2);
    expect(first.map((x) => x.ts)).toEqual([1, 2]);
    b.unshift(first);
    b.push([r(4)]);
    expect(b.take(10).map((x) => x.ts)).toEqual([1, 2, 3, 4]);
    expect(b.size).toBe(0);
  });

  it('is bounded: when full, the oldest readings are overwritten and counted', () => {
    const b = createBacklog(5);
    b.push([1, 2, 3, 4, 5, 6, 7].map(r));
    expect(b.size).toBe(5);
    expect(b.overflowed).toBe(2);
    expect(b.take(10).map((x) => x.ts)).toEqual([3, 4, 5, 6, 7]);
  });
});
