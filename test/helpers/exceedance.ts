import { startSimulator, type Simulator } from '../../simulators/index.js';
import type { TestCentre } from './centre.js';

/**
 * Five minutes of a sustained COD exceedance (1.6 times the limit) at one station, fast-forwarded
 * from the past to now: enough for a critical threshold alert. Close the simulator when done.
 */
export function startCodExceedance(centre: TestCentre, station: string): Simulator {
  return startSimulator({
    url: centre.mqttUrl,
    catalogue: centre.catalogue,
    stations: [station],
    rate: 10,
    stepMs: 10_000,
    startAt: Date.now() - 300_000,
    scenarios: [{ name: 'exceedance', station, parameter: 'COD', atS: 0, level: 1.6 }],
    credentials: (s) => centre.credentials(s),
    record: false,
    seed: 11,
  });
}
