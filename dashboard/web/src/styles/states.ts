import { unsafeCSS, type CSSResult } from 'lit';
import { cssVar, STATE_COLOURS } from '../theme.js';

const rules = Object.entries(STATE_COLOURS);

/** `.st-<state> .badge` rules for any element that shows a state badge; the state is always also written out. */
export const stateBadgeStyles: CSSResult = unsafeCSS(
  rules.map(([state, c]) => `.st-${state} .badge, .badge.st-${state} { background: ${cssVar(c.bg)}; color: ${cssVar(c.fg)}; }`).join('\n'),
);

/** The map's markers: `circle.st-<state>` filled with the state's colour, `text.st-<state>` written on it. */
export const stateMarkerStyles: CSSResult = unsafeCSS(
  rules.map(([state, c]) => `circle.st-${state} { fill: ${cssVar(c.bg)}; } text.st-${state} { fill: ${cssVar(c.fg)}; }`).join('\n'),
);
