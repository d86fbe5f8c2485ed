import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, type AlertEvent, type AlertRule, type Catalogue, type Reading } from '../../core/index.js';
import { createAlertEngine, loadRules } from '../../alerts/index.js';
import {
  createStationScript,
  loadScenarioFile,
  ScenarioSpecSchema,
  type ScenarioFile,
  type StationScript,
} from '../../simulators/index.js';

/**
 * The demo's script (seeds/scenarios/demo.json) against the real alerts engine and rules
 * (seeds/rules.json), in virtual time: the hour of history sent at start, then ten minutes of
 * live samples every 2 s (DEMO_INTERVAL_MS), the engine's wall-clock tick every 5 s. The
 * centre's part is emulated as it behaves: readings ahead of the clock by more than 300 s are
 * refused, a defective message stores nothing here, an offline gateway's will reaches the
 * engine and its backlog arrives when it is back.
 */
const LIVE_MS = 10 * 60_000;
const START = Date.UTC(2026, 10, 24, 2, 0, 0); // 09:00 local

let catalogue: Catalogue;
let demo: ScenarioFile;
beforeAll(async () => {
  catalogue = await loadCatalogue('seeds/catalogue.json');
  demo = await loadScenarioFile('seeds/scenarios/demo.json', catalogue);
});

describe('the demo scenario file', () => {
  // 2000 ms: DEMO_INTERVAL_MS by default; 1000 ms: as the end-to-end demo test runs it.
  it.each([2000, 1000])(
    'shows every alert kind a gateway can cause within ten minutes, each scenario the alerts it names, normal stations none (a message every %i ms)',
    async (INTERVAL_MS) => {
      let now = START;
      const rules = await loadRules('seeds/rules.json', catalogue);
      const events: AlertEvent[] = [];
      const engine = createAlertEngine({ catalogue, rules, clock: { now: () => now }, onEvent: (e) => events.push(e) });
      const specs = demo.scenarios.map((s) => ScenarioSpecSchema.parse(s));
      const scripts: StationScript[] = catalogue.stations.map((station) =>
        createStationScript({ catalogue, station, specs, seed: demo.seed ?? 1, runStart: START }),
      );
      const zone = (id: string): string => catalogue.zoneOf(id)!.id;
      const feed = (
        station: string,
        rs: Array<{ parameter: string; value: number; unit: string; status: Reading['status']; ts: number }>,
      ): void => {
        for (const r of rs) {
          if (r.ts > now + 300_000) continue; // in_future: refused by ingest
          engine.onReading({
            station,
            zone: zone(station),
            parameter: r.parameter,
            value: r.value,
            unit: r.unit,
            status: r.status,
            ts: r.ts,
            receivedAt: now,
          });
        }
      };

      // History: an hour of one-minute samples, sent as a backlog at start.
      for (const script of scripts) {
        for (let ts = START - (demo.historyS ?? 0) * 1000; ts < START; ts += (demo.historyStepS ?? 60) * 1000) {
          const tick = script.tick(ts, true);
          if (!tick.lost)
            feed(
              script.station.id,
              tick.readings.map((r) => ({ ...r, ts: tick.ts })),
            );
        }
      }
      const firstSeen = new Map<string, number>();
      const offline = new Map<string, Array<{ parameter: string; value: number; unit: string; status: Reading['status']; ts: number }>>();
      for (let t = START; t < START + LIVE_MS; t += INTERVAL_MS) {
        now = t;
        for (const script of scripts) {
          const id = script.station.id;
          const tick = script.tick(t);
          const stored = offline.get(id);
          if (tick.offline && !stored) {
            offline.set(id, []);
            engine.onPresence({ station: id, state: 'offline', ts: t, reason: 'will' });
          } else if (!tick.offline && stored) {
            offline.delete(id);
            engine.onPresence({ station: id, state: 'online', ts: t });
            feed(id, stored);
          }
          if (tick.lost || tick.malformed) continue;
          const rs = tick.readings.map((r) => ({ ...r, ts: tick.ts }));
          if (tick.offline) offline.get(id)!.push(...rs);
          else feed(id, rs);
        }
        if ((t - START) % 5000 === 0) engine.tick();
        for (const e of events) if (e.type === 'raised' && !firstSeen.has(e.alert.rule)) firstSeen.set(e.alert.rule, now - START);
      }

      const raised = events.filter((e) => e.type === 'raised' || e.type === 'flapping');
      const kinds: AlertRule[] = ['threshold', 'average', 'trend', 'rate', 'stale', 'sensor_fault'];
      expect([...new Set(raised.map((e) => e.alert.rule))].sort()).toEqual([...kinds].sort());
      console.log(
        `[figure] demo at ${INTERVAL_MS} ms: first alert of each kind, seconds after start: ${kinds.map((k) => `${k} ${Math.round(firstSeen.get(k)! / 1000)}`).join(', ')}`,
      );

      const expected = new Map<string, Set<AlertRule>>();
      for (const s of specs) {
        const set = expected.get(s.station) ?? new Set<AlertRule>();
        for (const rule of s.expect ?? []) set.add(rule);
        expected.set(s.station, set);
      }
      const got = new Map<string, Set<AlertRule>>();
      for (const e of raised) got.set(e.alert.station, (got.get(e.alert.station) ?? new Set()).add(e.alert.rule));
      for (const [station, rules] of expected) expect([...(got.get(station) ?? [])].sort(), station).toEqual([...rules].sort());
      const strays = [...got.keys()].filter((s) => !expected.has(s));
      expect(raised.filter((e) => strays.includes(e.alert.station)).map((e) => `${e.alert.id}: ${e.alert.message}`)).toEqual([]);
    },
    60_000,
  );
});
