import type { StationState } from './station-state.js';

/**
 * The page's colours, each defined once, as CSS custom properties (`--qt-<name>`) on the
 * document: components and the report pages use `var(--qt-<name>)`, and custom properties
 * inherit into every shadow root. Contrast of text on its background meets WCAG 2.1 AA.
 */
export const COLOURS = {
  // Surfaces and text
  white: '#fff',
  black: '#000',
  page: '#f4f6f8',
  text: '#1d2733',
  ink: '#0f172a',
  'text-strong': '#334155',
  'text-muted': '#475569',
  'text-faint': '#64748b',
  'text-ghost': '#94a3b8',
  border: '#cbd5e1',
  'border-light': '#e2e8f0',
  'table-head': '#e8edf2',
  'row-hover': '#f8fafc',
  'zone-row': '#f1f5f9',
  shadow: 'rgb(0 0 0 / 25%)',
  // The centre's brand: header, headings, primary buttons, links
  brand: '#0f3d5e',
  'brand-glow': '#0f3d5e33',
  link: '#1d6d8f',
  'header-dim': '#bcd3e6',
  'header-text': '#dbeafe',
  'header-hover': 'rgb(255 255 255 / 15%)',
  'header-outline': 'rgb(255 255 255 / 35%)',
  // Connection state
  'lost-bg': '#7a2e0e',
  'lost-text': '#ffedd5',
  'lost-dot': '#fb923c',
  'open-bg': '#14532d',
  'open-text': '#dcfce7',
  'open-dot': '#4ade80',
  // Severities and states (the state is always also written out)
  critical: '#b3261e',
  warning: '#f59e0b',
  'on-warning': '#1f1300',
  ok: '#15803d',
  interrupted: '#4b5563',
  fault: '#7c3aed',
  calibrating: '#2563eb',
  // Values against their limits, status codes, staleness
  'near-bg': '#fff4d6',
  'near-text': '#9a5b00',
  'breach-bg': '#fde2e1',
  stale: '#b45309',
  'status-bg': '#e0e7ff',
  'status-text': '#3730a3',
  'fault-bg': '#fee2e2',
  'fault-text': '#991b1b',
  'kind-stack': '#6b4f1d',
  'banner-bg': '#fef3c7',
  'banner-text': '#78350f',
  'secret-bg': '#ecfdf5',
  // Map and chart
  sea: '#e0f2fe',
  'map-land': '#fbfaf5',
  'map-neighbour': '#e7e5e4',
  'map-border': '#a8a29e',
  'map-river': '#3b82c4',
  'chart-minmax': 'rgba(29,109,143,0.35)',
  'chart-band': 'rgba(29,109,143,0.12)',
  // Report pages, on screen and on paper
  'note-bg': '#fffbeb',
  'note-text': '#92400e',
  'report-head': '#eef2f6',
  'report-group': '#dbe6f0',
  'print-border': '#777',
  'print-head': '#eee',
} as const;

export type ThemeColour = keyof typeof COLOURS;

/** Each station state's badge and marker: background and text colour. */
export const STATE_COLOURS: Readonly<Record<StationState, { bg: ThemeColour; fg: ThemeColour }>> = {
  critical: { bg: 'critical', fg: 'white' },
  interrupted: { bg: 'interrupted', fg: 'white' },
  fault: { bg: 'fault', fg: 'white' },
  warning: { bg: 'warning', fg: 'on-warning' },
  calibrating: { bg: 'calibrating', fg: 'white' },
  normal: { bg: 'ok', fg: 'white' },
};

/** The colour as a CSS value. */
export const cssVar = (name: ThemeColour): string => `var(--qt-${name})`;

/** The colour's value, for what cannot read CSS (a canvas). */
export const colourValue = (name: ThemeColour): string => COLOURS[name];

const THEME_CSS = `:root {\n${Object.entries(COLOURS)
  .map(([name, value]) => `  --qt-${name}: ${value};`)
  .join('\n')}\n}`;

let applied = false;

/** Puts the custom properties on the document, once; the page and the report pages call it on load. */
export function applyTheme(doc: Document = document): void {
  if (applied) return;
  applied = true;
  const style = doc.createElement('style');
  style.id = 'qt-theme';
  style.textContent = THEME_CSS;
  doc.head.prepend(style);
}
