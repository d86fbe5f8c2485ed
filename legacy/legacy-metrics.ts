import { Counter, Gauge, Registry } from 'prom-client';
import type { LegacyFileResult } from './legacy-types.js';

/** Whole-file reasons, the `reason` label of rejected files (a fixed set: labels never come from a file). */
const FILE_REASONS = new Set([
  'too_large',
  'too_many_bad_lines',
  'bad_name',
  'no_station',
  'wrong_folder',
  'empty_file',
  'nothing_parseable',
  'not_processed',
]);

export interface LegacyMetrics {
  readonly registry: Registry;
  /** A file finished: counted by outcome, a rejected one also by its reason. */
  file(result: LegacyFileResult): void;
  /** Files that could not even be moved out of the drop folder, skipped for now. */
  stuck(count: number): void;
}

/**
 * The legacy adapter's counters (docs/LEGACY.md, "Bounds"), on the registry /metrics serves
 * (main.ts passes it) or a private one, as tests start many adapters in one process.
 */
export function createLegacyMetrics(registry: Registry = new Registry()): LegacyMetrics {
  const files = new Counter({
    name: 'quantrac_legacy_files_total',
    help: 'Legacy text files finished, by outcome (stored, partial, rejected, duplicate)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'quantrac_legacy_files_rejected_total',
    help: 'Legacy text files moved to the rejected folder, by reason (no_line_stored: every line refused by validation)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const stuck = new Gauge({
    name: 'quantrac_legacy_files_stuck',
    help: 'Files that could not be moved out of the legacy drop folder (disk or permission trouble), skipped for now',
    registers: [registry],
  });
  return {
    registry,
    file(result) {
      files.inc({ outcome: result.outcome });
      if (result.outcome !== 'rejected') return;
      const code = result.errors[0]?.line === undefined ? result.errors[0]?.code : undefined;
      rejected.inc({ reason: code !== undefined && FILE_REASONS.has(code) ? code : 'no_line_stored' });
    },
    stuck: (count) => stuck.set(count),
  };
}
