export {
  createLegacyAdapter,
  type LegacyAdapter,
  type LegacyAdapterOptions,
  type LegacyAdmit,
  type LegacyFileResult,
  type LegacyOutcome,
} from './legacy-adapter.js';
export { parseLegacyFile, parseDecimal, type ParsedLegacyFile, type LegacyReading } from './parse-legacy-file.js';
export { createNameMatcher, localStampToIso } from './legacy-file-name.js';
