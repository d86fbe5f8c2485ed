import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { alertsEn, alertsVi } from './alerts.js';
import { auditEn, auditVi } from './audit.js';
import { commonEn, commonVi } from './common.js';
import { forwardingEn, forwardingVi } from './forwarding.js';
import { mapEn, mapVi } from './map.js';
import { reportsEn, reportsVi } from './reports.js';
import { stationsEn, stationsVi } from './stations.js';
import { usersEn, usersVi } from './users.js';

export type Lang = 'vi' | 'en';

/**
 * The texts of the pages and the reports: Vietnamese by default (the inspectors' language),
 * English by a toggle kept in localStorage. The tables are split by area; a key is unique
 * across them (checked below at compile time).
 */
const VI = { ...commonVi, ...stationsVi, ...alertsVi, ...reportsVi, ...forwardingVi, ...auditVi, ...usersVi, ...mapVi };
export type MessageKey = keyof typeof VI;
const EN: Record<MessageKey, string> = {
  ...commonEn,
  ...stationsEn,
  ...alertsEn,
  ...reportsEn,
  ...forwardingEn,
  ...auditEn,
  ...usersEn,
  ...mapEn,
};

type Shared<A, B> = keyof A & keyof B;
type Overlaps =
  | Shared<typeof commonVi, typeof stationsVi>
  | Shared<typeof commonVi, typeof alertsVi>
  | Shared<typeof commonVi, typeof reportsVi>
  | Shared<typeof stationsVi, typeof alertsVi>
  | Shared<typeof stationsVi, typeof reportsVi>
  | Shared<typeof alertsVi, typeof reportsVi>
  | Shared<typeof forwardingVi, typeof commonVi & typeof stationsVi & typeof alertsVi & typeof reportsVi>
  | Shared<typeof auditVi, typeof commonVi & typeof stationsVi & typeof alertsVi & typeof reportsVi & typeof forwardingVi>
  | Shared<typeof usersVi, typeof commonVi & typeof stationsVi & typeof alertsVi & typeof reportsVi & typeof forwardingVi & typeof auditVi>
  | Shared<
      typeof mapVi,
      typeof commonVi & typeof stationsVi & typeof alertsVi & typeof reportsVi & typeof forwardingVi & typeof auditVi & typeof usersVi
    >;
// A key in two tables would let one text silently replace the other: this fails to compile then.
const noOverlap: [Overlaps] extends [never] ? true : Overlaps = true;
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
