import { z } from 'zod';
import {
  formatScope,
  parseScope,
  QuantracError,
  stationScope,
  unknownScopeEntries,
  type Catalogue,
  type ScopeEntry,
  type StationScope,
} from '../../core/index.js';
import type { Role } from './users-file.js';

/** A scope of no station: what an unusable scope text gives (fail closed, never open). */
const NOTHING: StationScope = { all: false, entries: [], has: () => false, stationIds: () => [] };

/**
 * Scope texts checked and put in their one form (docs/SECURITY.md, "Access by level"): each
 * parsed (else ERR_BAD_SCOPE naming it), duplicates dropped, `country` alone when it is there
 * (it covers the rest). At least one entry (else ERR_BAD_SCOPE).
 */
export function normaliseScope(texts: readonly string[]): string[] {
  const entries: ScopeEntry[] = [];
  for (const text of texts) {
    try {
      entries.push(parseScope(text));
    } catch (err) {
      const why = err instanceof z.ZodError ? (err.issues[0]?.message ?? 'invalid') : String(err);
      throw new QuantracError('ERR_BAD_SCOPE', `bad scope ${JSON.stringify(text.slice(0, 80))}: ${why}`);
    }
  }
  if (entries.length === 0) throw new QuantracError('ERR_BAD_SCOPE', 'a user needs at least one scope (country for the whole country)');
  if (entries.some((e) => e.kind === 'country')) return ['country'];
  return [...new Set(entries.map(formatScope))];
}

/**
 * The rules of a user's scope: a facility entry is a company's own account, so it has only
 * facility entries and the viewer role (ERR_FACILITY_SCOPE); with a catalogue, every entry
 * must name something in it (ERR_UNKNOWN_SCOPE lists those that do not: a typo must not give
 * an empty scope silently). Returns the scope in its one form.
 */
export function checkUserScope(role: Role, texts: readonly string[], catalogue?: Catalogue): string[] {
  const scope = normaliseScope(texts);
  const facility = scope.filter((s) => s.startsWith('facility:'));
  if (facility.length > 0 && facility.length !== scope.length) {
    throw new QuantracError('ERR_FACILITY_SCOPE', 'a facility user has facility scopes only (no country, province or zone with them)');
  }
  if (facility.length > 0 && role !== 'viewer') {
    throw new QuantracError('ERR_FACILITY_SCOPE', `a facility user is a viewer: the ${role} role cannot have a facility scope`);
  }
  if (catalogue) {
    const unknown = unknownScopeEntries(catalogue, scope.map(parseScope));
    if (unknown.length > 0) {
      throw new QuantracError(
        'ERR_UNKNOWN_SCOPE',
        `not in the catalogue: ${unknown.map(formatScope).join(', ')} (see quantrac user scopes)`,
      );
    }
  }
  return scope;
}

/** Whether a stored scope is a facility user's (any facility entry): such a user never acts, whatever the file says. */
export const isFacilityScope = (scope: readonly string[]): boolean => scope.some((s) => s.startsWith('facility:'));

/**
 * The stations of a user's scope texts, computed once per distinct scope (a scope's station set
 * walks the whole catalogue; sessions share few distinct scopes). A text that no longer parses
 * (a hand edit) counts for nothing; without a catalogue only `country` sees anything.
 */
export function createScopeResolver(catalogue: Catalogue | undefined): (texts: readonly string[]) => StationScope {
  const cache = new Map<string, StationScope>();
  return (texts) => {
    const key = texts.join('\n');
    let scope = cache.get(key);
    if (scope) return scope;
    let entries: ScopeEntry[];
    try {
      entries = normaliseScope(texts).map(parseScope);
    } catch {
      return NOTHING;
    }
    if (catalogue) scope = stationScope(catalogue, entries);
    else scope = entries.some((e) => e.kind === 'country') ? { all: true, entries, has: () => true, stationIds: () => [] } : NOTHING;
    if (cache.size >= 1000) cache.clear();
    cache.set(key, scope);
    return scope;
  };
}

/** One possible scope, for the admin page's add-user form and `quantrac user scopes`. */
export interface ScopeChoice {
  scope: string;
  kind: 'country' | 'province' | 'zone' | 'facility';
  label: string;
  /** A province's zone count, for the CLI listing. */
  zones?: number;
}

/** Every scope the catalogue offers: the country, each province (with its zone count), each zone and each facility. */
export function scopeChoices(catalogue: Catalogue): ScopeChoice[] {
  const provinces = new Map<string, number>();
  for (const z of catalogue.zones) {
    const p = z.province.normalize('NFC');
    provinces.set(p, (provinces.get(p) ?? 0) + 1);
  }
  return [
    { scope: 'country', kind: 'country', label: 'the whole country' },
    ...[...provinces].map(([p, zones]): ScopeChoice => ({ scope: `province:${p}`, kind: 'province', label: p, zones })),
    ...catalogue.zones.map((z): ScopeChoice => ({ scope: `zone:${z.id}`, kind: 'zone', label: z.name })),
    ...catalogue.facilities.map((f): ScopeChoice => ({ scope: `facility:${f.id}`, kind: 'facility', label: f.name })),
  ];
}
