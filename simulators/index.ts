export { startSimulator, type Simulator, type SimulatorOptions, type SimulatedMessage, type SimulatedReading } from './gateway-simulator.js';
export { toLocalIso } from './local-time.js';
export { createPrng } from './prng.js';
