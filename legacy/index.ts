export { createLegacyAdapter, type LegacyAdapter, type LegacyAdapterOptions } from './legacy-adapter.js';
export type { LegacyAdmit, LegacyError, LegacyFileResult, LegacyOutcome } from './legacy-types.js';
export { parseLegacyFile, parseDecimal, type ParsedLegacyFile, type LegacyReading } from './parse-legacy-file.js';
export { createNameMatcher, localStampToIso } from './legacy-file-name.js';
