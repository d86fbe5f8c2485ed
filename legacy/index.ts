export { createLegacyAdapter, DEFAULT_MAX_FILE_BYTES, type LegacyAdapter, type LegacyAdapterOptions } from './legacy-adapter.js';
export type { LegacyAdmit, LegacyError, LegacyFileResult, LegacyOutcome } from './legacy-types.js';
export {
  parseLegacyFile,
  DEFAULT_MAX_BAD_LINES,
  MAX_LINE_CHARS,
  QUOTE_CHARS,
  type ParsedLegacyFile,
  type ParseLimits,
  type LegacyReading,
} from './parse-legacy-file.js';
export { legacySettings } from './legacy-settings.js';
export { parseDecimal } from './parse-decimal.js';
export { createNameMatcher, localStampToIso } from './legacy-file-name.js';
