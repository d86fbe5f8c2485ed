import { t } from '../i18n/index.js';

/** One choice of `GET /api/scopes`: `country`, `province:NAME`, `zone:ID` or `facility:ID` (core/scope.ts), with its label. */
export interface ScopeChoice {
  scope: string;
  kind: 'country' | 'province' | 'zone' | 'facility';
  label: string;
}

/** The whole country when nothing else is known (the server before scopes, or a user with none recorded). */
export const COUNTRY_SCOPE = 'country';

/**
 * A scope as text for people: `country` is the whole country, a province is its name, a zone
 * or facility its label from the choices when known, else its id. User-supplied text is shown
 * as data (Lit escapes it).
 */
export function scopeLabel(scope: string, choices: readonly ScopeChoice[] = []): string {
  if (scope === COUNTRY_SCOPE) return t('scope_country');
  const known = choices.find((c) => c.scope === scope);
  const at = scope.indexOf(':');
  const kind = scope.slice(0, at);
  const id = scope.slice(at + 1);
  if (kind === 'province') return known?.label ?? id;
  if (kind === 'zone') return known?.label ?? t('scope_zone', { id });
  if (kind === 'facility') return known?.label ?? t('scope_facility', { id });
  return scope;
}

/** A user's scope list as one line (`Bắc Ninh, Hà Nội`); none recorded: the whole country. */
export function scopeText(scopes: readonly string[] | undefined, choices: readonly ScopeChoice[] = []): string {
  const list = scopes === undefined || scopes.length === 0 ? [COUNTRY_SCOPE] : scopes;
  return list.map((s) => scopeLabel(s, choices)).join(', ');
}

/** Is this scope list narrower than the whole country (something the header shows)? */
export function isNarrowScope(scopes: readonly string[] | undefined): boolean {
  return scopes !== undefined && scopes.length > 0 && !scopes.includes(COUNTRY_SCOPE);
}

/** The kind of a scope text (`zone:ID` -> zone); the whole country for anything else. */
export function kindOf(scope: string): ScopeChoice['kind'] {
  const kind = scope.slice(0, Math.max(0, scope.indexOf(':')));
  return kind === 'province' || kind === 'zone' || kind === 'facility' ? kind : 'country';
}
