import { html, nothing, type TemplateResult } from 'lit';
import type { Incident, IncidentCause } from '../../../../core/index.js';
import { clearValidity, localValidity } from '../form-validity.js';
import { t } from '../i18n/index.js';
import { words } from './incident-view.js';

const CAUSES: readonly IncidentCause[] = ['spill', 'treatment_failure', 'bypass', 'instrument_fault', 'other'];

/** What the operator does to an incident: one POST to its route. */
export type IncidentAction = { action: 'acknowledge' | 'investigate' } | { action: 'close'; cause: IncidentCause; note?: string };

/**
 * The operator's actions on an open incident: acknowledge (while open), investigate (until it
 * is), close with a cause (required, said in the page's language when missing) and a note.
 */
export function renderIncidentActions(i: Incident, busy: boolean, onAction: (a: IncidentAction) => void): TemplateResult | typeof nothing {
  if (i.state === 'closed') return nothing;
  const submitClose = (e: SubmitEvent): void => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const cause = String(data.get('cause') ?? '') as IncidentCause;
    const note = String(data.get('note') ?? '').trim();
    if (!CAUSES.includes(cause)) return;
    onAction({ action: 'close', cause, ...(note !== '' ? { note } : {}) });
  };
  const W = words();
  return html`<section class="actions" aria-labelledby="inc-actions-title" data-testid="inc-actions">
    <h3 id="inc-actions-title" class="visually-hidden">${t('inc_actions')}</h3>
    ${
      i.state === 'open'
        ? html`<button type="button" data-action="acknowledge" ?disabled=${busy} @click=${() => onAction({ action: 'acknowledge' })}>
            ${t('inc_acknowledge')}
          </button>`
        : nothing
    }
    ${
      i.state !== 'investigating'
        ? html`<button type="button" data-action="investigate" ?disabled=${busy} @click=${() => onAction({ action: 'investigate' })}>
            ${t('inc_investigate')}
          </button>`
        : nothing
    }
    <form class="close" @submit=${submitClose} @invalid=${localValidity} @input=${clearValidity} @change=${clearValidity}>
      <label
        >${t('inc_cause')}
        <select name="cause" required data-testid="inc-cause">
          <option value="">${t('inc_chooseCause')}</option>
          ${CAUSES.map((c) => html`<option value=${c}>${W.cause[c]}</option>`)}
        </select>
      </label>
      <label>${t('inc_note')} <textarea name="note" rows="2" maxlength="2000" data-testid="inc-note-input"></textarea></label>
      <button type="submit" data-action="close" ?disabled=${busy}>${t('inc_close')}</button>
    </form>
  </section>`;
}
