import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimulator, type ScenarioInput } from '../../simulators/index.js';
import { testDatabase, type TestCentre } from './centre.js';

/**
 * A spill down Sông Cầu (docs/INCIDENTS.md), shared by the integration test and the browser test
 * so both play the same incident: COD rises at the first outfall, then at the next two downstream.
 */
export const SPILL_STATIONS = ['BN-YENPHONG-F001-NT1', 'BN-YENPHONG-F002-NT1', 'BN-YENPHONG-F003-NT1'] as const;
/** Measurement step of the play, ms. */
const SPILL_STEP_MS = 10_000;

/** The spill, in seconds from its start: warning-level at the first outfall, then over the limit, spreading downstream. */
const SPILL: ScenarioInput[] = [
  { name: 'exceedance', station: SPILL_STATIONS[0], parameter: 'COD', atS: 0, forS: 300, level: 0.92 },
  { name: 'exceedance', station: SPILL_STATIONS[0], parameter: 'COD', atS: 300, forS: 1_200, level: 1.4 },
  { name: 'exceedance', station: SPILL_STATIONS[1], parameter: 'COD', atS: 480, forS: 1_020, level: 1.4 },
  { name: 'exceedance', station: SPILL_STATIONS[2], parameter: 'COD', atS: 960, forS: 540, level: 1.4 },
];

/**
 * Writes the centre's configuration for the spill into `dataDir` (incidents.json, rules.json and,
 * when given, notify.json) and returns the centre's environment for it, with one new database.
 */
export async function writeSpillData(
  dataDir: string,
  files: { incidents: Record<string, unknown>; notify?: Record<string, unknown> },
): Promise<Record<string, string>> {
  if (files.notify) await writeFile(join(dataDir, 'notify.json'), JSON.stringify(files.notify));
  // The play is fast-forwarded from the past: the wall-clock rule (transmission interrupted) would
  // take that for silence, so it is off here. So is the trend rule: a forecast raised by the noise
  // of the recovery may stay open past the play's end, and with it the incident (as it should).
  const rulesFile = join(dataDir, 'rules.json');
  await writeFile(rulesFile, JSON.stringify({ version: 1, defaults: { stale: { enabled: false }, trend: { enabled: false } } }));
  await writeFile(join(dataDir, 'incidents.json'), JSON.stringify(files.incidents));
  return { DATA_DIR: dataDir, INFLUX_DB: testDatabase(), ALERTS_RULES_FILE: rulesFile, ALERTS_TICK_MS: '500' };
}

/**
 * Plays the spill through the centre's MQTT from `fromS` to `toS` (seconds of measurement time
 * after `t0`, ms), the scenarios shifted so a part played after a restart goes on where it stopped.
 */
export async function playSpill(centre: TestCentre, t0: number, fromS: number, toS: number): Promise<void> {
  const sim = startSimulator({
    url: centre.mqttUrl,
    catalogue: centre.catalogue,
    stations: [...SPILL_STATIONS],
    rate: 20,
    stepMs: SPILL_STEP_MS,
    startAt: t0 + fromS * 1000,
    messages: (toS - fromS) / (SPILL_STEP_MS / 1000),
    scenarios: SPILL.map((s) => ({ ...s, atS: s.atS! - fromS })).filter((s) => s.atS + (s.forS ?? 0) > 0),
    credentials: (s) => centre.credentials(s),
    record: false,
    seed: 7,
  });
  await sim.done;
  await sim.close();
}
