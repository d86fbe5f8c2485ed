import { html, type TemplateResult } from 'lit';
import type { Silence, StationSummary } from '../../../../core/index.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { t } from '../i18n/index.js';
import { href } from '../router.js';

/** The form that adds a silence: enabled for operators and admins only. */
function renderSilenceForm(stations: Iterable<StationSummary>, canAct: boolean, onAdd: (form: HTMLFormElement) => void): TemplateResult {
  return html`<form
    class="silence"
    @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      onAdd(e.target as HTMLFormElement);
    }}
  >
    <label>${t('silenceStation')}<input name="station" list="station-ids" required ?disabled=${!canAct} /></label>
    <datalist id="station-ids">${[...stations].map((s) => html`<option value=${s.id}>${s.name}</option>`)}</datalist>
    <label>${t('silenceParameter')}<input name="parameter" ?disabled=${!canAct} /></label>
    <label>${t('silenceDuration')}<input name="minutes" type="number" min="1" max="43200" value="60" ?disabled=${!canAct} /></label>
    <label>${t('silenceReason')}<input name="reason" maxlength="500" ?disabled=${!canAct} /></label>
    <button type="submit" ?disabled=${!canAct} title=${canAct ? '' : t('needOperator')}>${t('silenceAdd')}</button>
  </form>`;
}

function renderSilences(silences: readonly Silence[] | undefined): TemplateResult {
  if (silences === undefined) return html`<p class="muted">…</p>`;
  if (silences.length === 0) return html`<p class="muted">${t('noSilences')}</p>`;
  return html`<table data-testid="silences">
    <thead>
      <tr>
        <th>${t('col_station')}</th>
        <th>${t('parameter')}</th>
        <th>${t('from')}</th>
        <th>${t('to')}</th>
        <th>${t('by')}</th>
        <th>${t('silenceReason')}</th>
      </tr>
    </thead>
    <tbody>
      ${silences.map(
        (s) =>
          html`<tr>
            <td><a href=${href.station(s.station)}>${s.station}</a></td>
            <td>${s.parameter ?? '*'}</td>
            <td title=${isoTitle(s.from)}>${formatDateTime(s.from)}</td>
            <td title=${isoTitle(s.until)}>${formatDateTime(s.until)}</td>
            <td>${s.by}</td>
            <td>${s.reason ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The silences tab: the form to add one, then the current silences (`GET /api/silences`). */
export function renderSilencesView(
  silences: readonly Silence[] | undefined,
  stations: Iterable<StationSummary>,
  canAct: boolean,
  onAdd: (form: HTMLFormElement) => void,
): TemplateResult {
  return html`${renderSilenceForm(stations, canAct, onAdd)} ${renderSilences(silences)}`;
}
