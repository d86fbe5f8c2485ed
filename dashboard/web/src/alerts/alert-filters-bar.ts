import { html, nothing, type TemplateResult } from 'lit';
import type { StationSummary } from '../../../../core/index.js';
import { t, type MessageKey } from '../i18n/index.js';
import { formatCount } from './alert-duration.js';
import { filterChoices, isFiltered, OPEN_STATES, RULES, SEVERITIES, SORTS, type AlertView } from './alert-filter.js';

/** What the bar needs: the stations in scope (zones, provinces), the view, the counts, and where a change goes. */
export interface AlertFiltersBar {
  stations: Iterable<StationSummary>;
  view: AlertView;
  shown: number;
  total: number;
  onChange(view: AlertView): void;
}

type Field = keyof AlertView;

function select(b: AlertFiltersBar, field: Field, label: MessageKey, options: Array<[string, string]>, withAll = true): TemplateResult {
  const value = b.view[field] ?? (field === 'sort' ? 'severity' : '');
  const change = (e: Event): void => {
    const next: AlertView = { ...b.view };
    const chosen = (e.target as HTMLSelectElement).value;
    if (chosen) (next as Record<Field, string>)[field] = chosen;
    else delete next[field];
    b.onChange(next);
  };
  return html`<label
    >${t(label)}
    <select data-testid=${`alert-filter-${field}`} @change=${change}>
      ${withAll ? html`<option value="" ?selected=${value === ''}>${t('all')}</option>` : nothing}
      ${options.map(([v, text]) => html`<option value=${v} ?selected=${value === v}>${text}</option>`)}
    </select></label
  >`;
}

/**
 * The open alerts' filters (zone, province, severity, state, rule) and sort, as selects; each
 * change goes to the URL (the caller), so the view can be shared as a link.
 */
export function renderAlertFiltersBar(b: AlertFiltersBar): TemplateResult {
  const { zones, provinces } = filterChoices(b.stations);
  const keyed = <T extends string>(values: readonly T[], prefix: string): Array<[string, string]> =>
    values.map((v) => [v, t(`${prefix}${v}` as MessageKey)]);
  return html`<div class="filters" role="search" aria-label=${t('af_filters')}>
    ${select(b, 'zone', 'filterZone', zones)}
    ${select(
      b,
      'province',
      'filterProvince',
      provinces.map((p) => [p, p]),
    )}
    ${select(b, 'severity', 'af_severity', keyed(SEVERITIES, ''))} ${select(b, 'state', 'af_state', keyed(OPEN_STATES, 'alertState_'))}
    ${select(b, 'rule', 'af_rule', keyed(RULES, 'rule_'))} ${select(b, 'sort', 'af_sort', keyed(SORTS, 'sort_'), false)}
    ${
      isFiltered(b.view)
        ? html`<button
            type="button"
            class="clear"
            data-testid="alert-filter-clear"
            @click=${() => b.onChange(b.view.sort ? { sort: b.view.sort } : {})}
          >
            ${t('af_clear')}
          </button>`
        : nothing
    }
    <span class="shown" role="status" data-testid="alert-shown"
      >${t('af_shown', { shown: formatCount(b.shown), total: formatCount(b.total) })}</span
    >
  </div>`;
}
