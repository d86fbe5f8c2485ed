import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { alertPanelEn, alertPanelVi } from './alert-panel.js';
import { alertsEn, alertsVi } from './alerts.js';
import { mapEn, mapVi } from './map.js';
import { auditEn, auditVi } from './audit.js';
import { chartsEn, chartsVi } from './charts.js';
import { commonEn, commonVi } from './common.js';
import { connectionEn, connectionVi } from './connection.js';
import { forwardingEn, forwardingVi } from './forwarding.js';
import { incidentsEn, incidentsVi } from './incidents.js';
import { kioskEn, kioskVi } from './kiosk.js';
import { layoutEn, layoutVi } from './layout.js';
import { reportsEn, reportsVi } from './reports.js';
import { stationsEn, stationsVi } from './stations.js';
import { usersEn, usersVi } from './users.js';

export type Lang = 'vi' | 'en';

/**
 * The texts of the pages and the reports: Vietnamese by default (the inspectors' language),
 * English by a toggle kept in localStorage. The tables are split by area, each with its
 * Vietnamese and English halves; a key is unique across them (checked below at compile time).
 */
const TABLES_VI = [
  commonVi,
  stationsVi,
  alertsVi,
  reportsVi,
  forwardingVi,
  auditVi,
  usersVi,
  chartsVi,
  connectionVi,
  kioskVi,
  alertPanelVi,
  layoutVi,
  mapVi,
  incidentsVi,
] as const;
const TABLES_EN = [
  commonEn,
  stationsEn,
  alertsEn,
  reportsEn,
  forwardingEn,
  auditEn,
  usersEn,
  chartsEn,
  connectionEn,
  kioskEn,
  alertPanelEn,
  layoutEn,
  mapEn,
  incidentsEn,
] as const;

type Merged<T extends readonly object[]> = T extends readonly [infer H, ...infer R extends readonly object[]] ? H & Merged<R> : unknown;
type AnyKey<T extends readonly object[]> = T extends readonly [infer H, ...infer R extends readonly object[]] ? keyof H | AnyKey<R> : never;
/** The keys found in two tables or more. */
type Overlaps<T extends readonly object[]> = T extends readonly [infer H, ...infer R extends readonly object[]]
  ? (keyof H & AnyKey<R>) | Overlaps<R>
  : never;

const VI = Object.assign({}, ...TABLES_VI) as Merged<typeof TABLES_VI>;
export type MessageKey = keyof Merged<typeof TABLES_VI>;
// Every key in English too (a missing English text fails to compile).
const EN: Record<MessageKey, string> = Object.assign({}, ...TABLES_EN) as Merged<typeof TABLES_EN>;
// A key in two tables would let one text silently replace the other: this fails to compile then.
const noOverlap: [Overlaps<typeof TABLES_VI>] extends [never] ? true : Overlaps<typeof TABLES_VI> = true;
void noOverlap;

const STORAGE_KEY = 'quantrac.lang';
let current: Lang = readLang();
const listeners = new Set<() => void>();

function readLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

/** The page's language. */
export const lang = (): Lang => current;

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = next;
  for (const l of listeners) l();
}

/** The text for a key, in the page's language unless told, with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}, language: Lang = current): string {
  const text: string = language === 'en' ? EN[key] : VI[key];
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Re-renders its host when the language changes. */
export class LangController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #listener = (): void => this.#host.requestUpdate();
  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }
  hostConnected(): void {
    listeners.add(this.#listener);
  }
  hostDisconnected(): void {
    listeners.delete(this.#listener);
  }
}
