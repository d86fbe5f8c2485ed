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
  // At least 4.5:1 on every surface of the page (white, page, zone and head rows, report groups).
  'text-faint': '#58687c',
  'text-ghost': '#5f6f84',
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
  // Text of data no longer live (live/connection.ts; its banner takes the lost-* colours)
  'not-live-text': '#4a5361',
  // Severities and states (the state is always also written out); `on-state`: text on a state's colour
  // White on the light palette (by reference: a colour is defined once); dark text on the dark one.
  'on-state': 'var(--qt-white)',
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

/**
 * The dark palette of the wall display (kiosk), applied by `data-theme="dark"` on <html>: only
 * what differs. `white` is the surface of tables and cards, so it turns dark here; states are
 * bright with dark text on them (`on-state`), which keeps every pair at 4.5:1 or more.
 */
export const DARK_COLOURS: Partial<Record<ThemeColour, string>> = {
  white: '#111a2b',
  page: '#0b1220',
  text: '#e2e8f0',
  ink: '#f1f5f9',
  'text-strong': '#cbd5e1',
  'text-muted': '#b4c0cf',
  'text-faint': '#a3b1c2',
  'text-ghost': '#8b9bb0',
  'not-live-text': '#a8b3c2',
  border: '#3b4a5f',
  'border-light': '#243044',
  'table-head': '#1a2538',
  'row-hover': '#18233a',
  'zone-row': '#162033',
  brand: '#9cc9f5',
  link: '#7dd3fc',
  'on-state': '#0b1220',
  critical: '#ff8a80',
  warning: '#fbbf24',
  ok: '#4ade80',
  interrupted: '#b6bfcc',
  fault: '#c4b5fd',
  calibrating: '#93c5fd',
  'near-bg': '#3b2f0b',
  'near-text': '#fcd34d',
  'breach-bg': '#3f1414',
  stale: '#fbbf24',
  'status-bg': '#27306b',
  'status-text': '#c7d2fe',
  'fault-bg': '#450a0a',
  'fault-text': '#fecaca',
  'kind-stack': '#dcc08a',
  'banner-bg': '#3b2f0b',
  'banner-text': '#fde68a',
  sea: '#0c2a3f',
  'map-land': '#1b2638',
  'map-neighbour': '#141c2b',
  'map-border': '#4b5b73',
  'map-river': '#4f9bd9',
};

/** Each station state's badge and marker: background and text colour. */
export const STATE_COLOURS: Readonly<Record<StationState, { bg: ThemeColour; fg: ThemeColour }>> = {
  critical: { bg: 'critical', fg: 'on-state' },
  interrupted: { bg: 'interrupted', fg: 'on-state' },
  fault: { bg: 'fault', fg: 'on-state' },
  warning: { bg: 'warning', fg: 'on-warning' },
  calibrating: { bg: 'calibrating', fg: 'on-state' },
  normal: { bg: 'ok', fg: 'on-state' },
};

/** The colour as a CSS value. */
export const cssVar = (name: ThemeColour): string => `var(--qt-${name})`;

/** The page's palette: `dark` for the wall display, else the light one (an attribute on <html>, so every shadow root follows). */
export function setThemeMode(mode: 'light' | 'dark', doc: Document = document): void {
  if (mode === 'dark') doc.documentElement.dataset['theme'] = 'dark';
  else delete doc.documentElement.dataset['theme'];
}

/** The colour's value, for what cannot read CSS (a canvas). */
export const colourValue = (name: ThemeColour): string => COLOURS[name];

const declarations = (colours: Partial<Record<ThemeColour, string>>): string =>
  Object.entries(colours)
    .map(([name, value]) => `  --qt-${name}: ${value};`)
    .join('\n');

const THEME_CSS = `:root {\n${declarations(COLOURS)}\n}\n:root[data-theme='dark'] {\n  color-scheme: dark;\n${declarations(DARK_COLOURS)}\n}`;

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
