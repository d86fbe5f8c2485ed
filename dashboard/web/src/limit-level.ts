export type LimitLevel = 'normal' | 'near' | 'breach';

export interface Limits {
  max?: number | undefined;
  min?: number | undefined;
}

/** Share of the maximum from which a value is shown as nearing its limit. */
const NEAR_SHARE = 0.8;

/**
 * How a value stands against its limits: `breach` at or above `max`, or below `min`;
 * `near` from 80 % of `max`. A two-sided range (pH, QCVN 40:2011 5.5-9) gets no `near`
 * band, since 80 % of its upper bound lies inside the normal range.
 */
export function limitLevel(value: number, limits: Limits): LimitLevel {
  const { max, min } = limits;
  if (min !== undefined && value < min) return 'breach';
  if (max === undefined) return 'normal';
  if (value >= max) return 'breach';
  if (min === undefined && value >= NEAR_SHARE * max) return 'near';
  return 'normal';
}
