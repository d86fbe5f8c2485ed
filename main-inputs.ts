/**
 * main.ts's wiring of the centre's other inputs: legacy text files and the demo's simulated
 * gateways (both reach ingest the way gateways do).
 */
import { resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { Broker } from './broker/index.js';
import type { Ingest } from './ingest/index.js';
import { createLegacyAdapter, legacySettings, type LegacyAdapter } from './legacy/index.js';
import { loadScenarioFile, scenarioFileOptions, startSimulator, type Simulator } from './simulators/index.js';
import type { Wiring } from './main-wiring.js';

/** Legacy text files (LEGACY_DROP_DIR) go through the same admit() as MQTT: validation, durability, idempotence. */
export async function startLegacy(
  { config, log, catalogue, onClose }: Wiring,
  ingest: Ingest,
  registry: Registry,
): Promise<LegacyAdapter | undefined> {
  if (config.LEGACY_DROP_DIR === undefined) return undefined;
  const legacy = await createLegacyAdapter({
    ...legacySettings(config, config.LEGACY_DROP_DIR),
    catalogue,
    admit: (m) => ingest.admit(m),
    rejections$: ingest.rejections$,
    registry,
    log: log.child({ component: 'legacy' }),
  });
  onClose(() => legacy.close());
  return legacy;
}

/**
 * Demo mode: a simulated gateway per station, with credentials provisioned in memory (never on
 * disk), playing the demo scenario file (seeds/scenarios/demo.json) on top of normal data.
 */
export async function startDemoGateways({ config, log, catalogue, onClose }: Wiring, broker: Broker): Promise<Simulator> {
  const script =
    config.DEMO_SCENARIO_FILE === ''
      ? undefined
      : await loadScenarioFile(resolve(config.DEMO_SCENARIO_FILE), catalogue).catch((err: Error) => {
          log.warn({ err: err.message }, 'demo scenario file not played; normal data only');
          return undefined;
        });
  const simulator = startSimulator({
    ...scenarioFileOptions(script),
    stations: undefined,
    rate: undefined,
    durationS: undefined,
    url: broker.address,
    catalogue,
    intervalMs: config.DEMO_INTERVAL_MS,
    record: false,
    credentials: (s) => broker.provision({ id: s.id }),
    log: log.child({ component: 'simulator' }),
  });
  simulator.done.catch((err: Error) => log.warn({ err }, 'simulator stopped'));
  onClose(() => simulator.close());
  return simulator;
}
