import { html, type TemplateResult } from 'lit';
import { t, type MessageKey } from '../i18n/index.js';
import { COUNTRY_SCOPE, kindOf, scopeLabel, type ScopeChoice } from '../model/scope-label.js';

export { COUNTRY_SCOPE, scopeText, type ScopeChoice } from '../model/scope-label.js';

const GROUPED = ['province', 'zone', 'facility'] as const;

/**
 * A multiple choice of scopes grouped by kind, named `name` in its form (FormData.getAll reads
 * the chosen ones). Without the choices (the server does not list them) it offers the whole
 * country alone, plus whatever is selected, so that nothing selected is lost.
 */
export function renderScopeSelect(name: string, choices: readonly ScopeChoice[], selected: readonly string[]): TemplateResult {
  const all: ScopeChoice[] = choices.some((c) => c.scope === COUNTRY_SCOPE)
    ? [...choices]
    : [{ scope: COUNTRY_SCOPE, kind: 'country', label: t('scope_country') }, ...choices];
  for (const s of selected) {
    if (!all.some((c) => c.scope === s)) all.push({ scope: s, kind: kindOf(s), label: scopeLabel(s) });
  }
  const option = (c: ScopeChoice): TemplateResult =>
    html`<option value=${c.scope} ?selected=${selected.includes(c.scope)}>${c.kind === 'country' ? t('scope_country') : c.label}</option>`;
  // The whole country stands alone at the top; the others are grouped by kind.
  return html`<select name=${name} multiple size="6" required title=${t('scope_hint')} data-testid="scope-select">
    ${all.filter((c) => c.kind === 'country').map(option)}
    ${GROUPED.map((kind) => {
      const ofKind = all.filter((c) => c.kind === kind);
      return ofKind.length === 0 ? null : html`<optgroup label=${t(`scope_kind_${kind}` as MessageKey)}>${ofKind.map(option)}</optgroup>`;
    })}
  </select>`;
}

/** The chosen values of a multiple select. */
export function chosenScopes(select: HTMLSelectElement): string[] {
  return [...select.selectedOptions].map((o) => o.value);
}
