import { html, nothing, type TemplateResult } from 'lit';
import type { Reading, StationSummary } from '../../../../core/index.js';
import { formatClock, isoTitle } from '../format-clock.js';
import { formatValue } from '../format-value.js';
import { lang, t, type MessageKey } from '../i18n/index.js';
import { limitLevel } from '../limit-level.js';
import { formatFixed } from '../number-format.js';
import { href } from '../router.js';

export type StationParameter = StationSummary['parameters'][number];

/** The limit as written in the permit: "≤ 150", "5.5 – 9". */
function limitText(p: StationParameter): string {
  if (p.max === undefined) return t('noLimit');
  return p.min !== undefined ? `${formatValue(p.min)} – ${formatValue(p.max)}` : `≤ ${formatValue(p.max)}`;
}

const fact = (label: MessageKey, value: unknown, title?: string, testid?: string): TemplateResult =>
  html`<div>
    <dt>${t(label)}</dt>
    <dd title=${title ?? nothing} data-testid=${testid ?? nothing}>${value}</dd>
  </div>`;

/**
 * One parameter's live value with unit, limit, percentage of the limit, status code and time;
 * a link that charts it. Values flagged 01/02 or in another unit are not compared with the limit.
 */
export function renderParameterCard(station: string, p: StationParameter, r: Reading | undefined, selected: boolean): TemplateResult {
  const status = r?.status;
  const valid = r !== undefined && status === '00' && r.unit === p.unit;
  const level = valid ? limitLevel(r.value, p) : 'normal';
  const percent = valid && p.max !== undefined && p.max > 0 ? (100 * r.value) / p.max : undefined;
  const name = lang() === 'en' ? p.name : p.nameVi;
  return html`<a
    class="card ${level} ${selected ? 'selected' : ''} s${status ?? ''}"
    href=${href.station(station, p.parameter)}
    data-testid="param-card"
    data-station=${station}
    data-parameter=${p.parameter}
    data-ts=${r?.ts ?? nothing}
    data-level=${level}
  >
    <div class="sym">${p.parameter} <small>${name ?? ''}</small></div>
    <div class="value" title=${r ? isoTitle(r.ts) : ''}>${r ? formatValue(r.value) : '—'} <span class="unit">${p.unit}</span></div>
    <dl>
      ${fact('limit', html`${limitText(p)} ${p.max !== undefined ? html`<span class="unit">${p.unit}</span>` : nothing}`, p.regulation ?? '')}
      ${fact('ofLimit', percent !== undefined ? `${formatFixed(percent, 0)} %` : '—', undefined, 'percent')}
      ${fact('status', status ? html`${status} · ${t(`status_${status}` as MessageKey)}` : '—')}
      ${fact('measuredAt', r ? formatClock(r.ts) : '—', r ? isoTitle(r.ts) : '')}
    </dl>
  </a>`;
}
