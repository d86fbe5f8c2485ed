import { unsafeCSS, type CSSResult } from 'lit';
import type { StationState } from './station-state.js';

/** One colour per state, used by the table, the map and the counts; the state is always also written out. */
export const STATE_COLOURS: Readonly<Record<StationState, { bg: string; fg: string }>> = {
  critical: { bg: '#b3261e', fg: '#ffffff' },
  interrupted: { bg: '#4b5563', fg: '#ffffff' },
  fault: { bg: '#7c3aed', fg: '#ffffff' },
  warning: { bg: '#f59e0b', fg: '#1f1300' },
  calibrating: { bg: '#2563eb', fg: '#ffffff' },
  normal: { bg: '#15803d', fg: '#ffffff' },
};

/** `.st-<state> .badge` rules for any element that shows a state badge. */
export const stateBadgeStyles: CSSResult = unsafeCSS(
  Object.entries(STATE_COLOURS).map(([state, c]) => `.st-${state} .badge, .badge.st-${state} { background: ${c.bg}; color: ${c.fg}; }`).join('\n'),
);
