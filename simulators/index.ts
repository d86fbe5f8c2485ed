export { startSimulator, type Simulator, type SimulatorOptions } from './gateway-simulator.js';
export type { SimulatedMessage, GatewayStats } from './gateway-types.js';
export type { SimulatedReading, Tick } from './station-script.js';
export { createStationScript, type StationScript } from './station-script.js';
export { createStationModel, type StationModel } from './station-model.js';
export {
  SCENARIO_NAMES,
  MALFORMED_KINDS,
  ScenarioSpecSchema,
  ScenarioFileSchema,
  checkScenarios,
  scenarioLabel,
  type ScenarioName,
  type ScenarioSpec,
  type ScenarioInput,
  type ScenarioFile,
} from './scenario-schema.js';
export { loadScenarioFile, scenarioFileOptions } from './scenario-file.js';
export { parseScenarioArg } from './parse-scenario-arg.js';
export { createPrng } from './prng.js';
