/**
 * The alert message codes: one per rule and variant (core/alert-text.ts renders them). Stored
 * with the alert events, so a code is never renamed; a new variant gets a new code.
 */
export const ALERT_CODES = [
  'threshold.above',
  'threshold.approaching',
  'threshold.below_lower',
  'threshold.near_lower',
  'average.above',
  'average.below_lower',
  'trend.exceed',
  'trend.fall_below',
  'rate.above',
  'sensor_fault.device',
  'sensor_fault.flatline',
  'sensor_fault.out_of_range',
  'stale.no_data',
  'stale.will',
  'backlog.spool',
] as const;
export type AlertCode = (typeof ALERT_CODES)[number];

const CODES: ReadonlySet<string> = new Set(ALERT_CODES);
export const isAlertCode = (code: unknown): code is AlertCode => typeof code === 'string' && CODES.has(code);
