import { z } from 'zod';
import type { Catalogue } from './catalogue.js';

/**
 * Where a user (or a display) may look: the whole country, or some provinces, zones or
 * facilities (docs/SECURITY.md, "Access by level"). Written `country`, `province:Bắc Ninh`,
 * `zone:BN-YP`, `facility:F001`. Every datum belongs to a station, and a station to a facility,
 * a zone and a province, so a scope is decided as a set of station ids.
 */
export type ScopeEntry = { kind: 'country' } | { kind: 'province' | 'zone' | 'facility'; id: string };

export const SCOPE_KINDS = ['country', 'province', 'zone', 'facility'] as const;

/** `country`, or `kind:id` with a non-empty id of printable text (a province name has spaces and diacritics). */
export const ScopeTextSchema = z
  .string()
  .max(200)
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  .regex(/^(country|(province|zone|facility):[^\u0000-\u001f\u007f]+)$/u, 'scope: country, province:NAME, zone:ID or facility:ID');

/** Parses one scope text (ScopeTextSchema); throws a ZodError with that message when it is not one. */
export function parseScope(text: string): ScopeEntry {
  const t = ScopeTextSchema.parse(text.trim().normalize('NFC'));
  if (t === 'country') return { kind: 'country' };
  const at = t.indexOf(':');
  return { kind: t.slice(0, at) as 'province' | 'zone' | 'facility', id: t.slice(at + 1).trim() };
}

export function formatScope(s: ScopeEntry): string {
  return s.kind === 'country' ? 'country' : `${s.kind}:${s.id}`;
}

/** The stations a list of scope entries covers. `all` is true for a country scope (every station, also ones added later). */
export interface StationScope {
  readonly all: boolean;
  /** The entries it was made from, for display. */
  readonly entries: readonly ScopeEntry[];
  has(stationId: string): boolean;
  /** The station ids in scope, in catalogue order. */
  stationIds(): string[];
}

/** What of the catalogue an entry names that does not exist, for the CLI to refuse it (a typo must not give an empty scope silently). */
export function unknownScopeEntries(catalogue: Catalogue, entries: readonly ScopeEntry[]): ScopeEntry[] {
  return entries.filter((e) => {
    if (e.kind === 'country') return false;
    if (e.kind === 'province') return !catalogue.zones.some((z) => z.province.normalize('NFC') === e.id);
    if (e.kind === 'zone') return !catalogue.zones.some((z) => z.id === e.id);
    return catalogue.facility(e.id) === undefined;
  });
}

/** The scope over this catalogue; no entries means nothing in scope. */
export function stationScope(catalogue: Catalogue, entries: readonly ScopeEntry[]): StationScope {
  const all = entries.some((e) => e.kind === 'country');
  const provinces = new Set(entries.filter((e) => e.kind === 'province').map((e) => (e as { id: string }).id));
  const zones = new Set(entries.filter((e) => e.kind === 'zone').map((e) => (e as { id: string }).id));
  const facilities = new Set(entries.filter((e) => e.kind === 'facility').map((e) => (e as { id: string }).id));
  const ids = new Set<string>();
  for (const s of catalogue.stations) {
    const zone = catalogue.zoneOf(s.id);
    if (
      all ||
      facilities.has(s.facilityId) ||
      (zone !== undefined && (zones.has(zone.id) || provinces.has(zone.province.normalize('NFC'))))
    )
      ids.add(s.id);
  }
  return {
    all,
    entries,
    has: (id) => ids.has(id),
    stationIds: () => [...ids],
  };
}

/** The whole country: what a centre's own processes and the legacy single-scope users see. */
export const COUNTRY: readonly ScopeEntry[] = [{ kind: 'country' }];
