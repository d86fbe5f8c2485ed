import type { AdmitMessage, AdmitResult, Rejection } from '../core/index.js';

/** The same admission MQTT readings go through (ingest's admit): validation, durability, idempotence. */
export type LegacyAdmit = (message: AdmitMessage) => Promise<AdmitResult & { errors?: Rejection[] }>;

export type LegacyOutcome = 'stored' | 'partial' | 'rejected' | 'duplicate';

/** Why a line (or, without `line`, the whole file) was not stored. */
export interface LegacyError {
  line?: number;
  code: string;
  message: string;
}

export interface LegacyFileResult {
  /** Path relative to the drop folder. */
  file: string;
  station?: string;
  outcome: LegacyOutcome;
  accepted: number;
  /** Lines not stored (bad shape, or refused by validation). */
  rejected: number;
  /** The first reasons, at most LEGACY_MAX_BAD_LINES + 1 (docs/LEGACY.md, "Bounds"). */
  errors: LegacyError[];
  /** Reasons past those, counted only (absent when none). */
  moreErrors?: number;
  /** Where the raw file was kept (archive or rejected folder) and its reason file. */
  keptAt?: string;
  reasonAt?: string;
}

/** One line of a reason file: "line 3: bad_unit: ..." or "file: empty_file: ...". */
export function describeError(e: LegacyError): string {
  return `${e.line === undefined ? 'file' : `line ${e.line}`}: ${e.code}: ${e.message}`;
}
