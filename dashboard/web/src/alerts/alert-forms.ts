import { html, type TemplateResult } from 'lit';
import { clearValidity, localValidity } from '../form-validity.js';
import { t } from '../i18n/index.js';

/** What an open form does: submit with the values, or cancel. */
export interface FormActions {
  onAcknowledge(note: string): void;
  onSilence(minutes: number, reason: string): void;
  onCancel(): void;
}

const data = (ev: SubmitEvent): FormData => {
  ev.preventDefault();
  return new FormData(ev.target as HTMLFormElement);
};

/** Acknowledge with an optional note. */
export function renderAckForm(actions: FormActions): TemplateResult {
  return html`<form
    class="inline"
    data-testid="ack-form"
    @invalid=${localValidity}
    @input=${clearValidity}
    @submit=${(ev: SubmitEvent) => actions.onAcknowledge(String(data(ev).get('note') ?? '').trim())}
  >
    <input name="note" placeholder=${t('acknowledgeNote')} aria-label=${t('acknowledgeNote')} maxlength="1000" data-testid="ack-note" />
    <button type="submit" data-testid="ack-confirm">${t('confirm')}</button>
    <button type="button" @click=${() => actions.onCancel()}>${t('cancel')}</button>
  </form>`;
}

/** Silence the alert's station (or parameter) for some minutes, with a reason. */
export function renderSilenceForm(actions: FormActions): TemplateResult {
  return html`<form
    class="inline"
    data-testid="silence-form"
    @invalid=${localValidity}
    @input=${clearValidity}
    @submit=${(ev: SubmitEvent) => {
      const values = data(ev);
      actions.onSilence(Number(values.get('minutes') ?? 60) || 60, String(values.get('reason') ?? '').trim());
    }}
  >
    <input name="minutes" type="number" min="1" max="43200" value="60" aria-label=${t('silenceDuration')} title=${t('silenceDuration')} />
    <input name="reason" placeholder=${t('silenceReason')} aria-label=${t('silenceReason')} maxlength="500" />
    <button type="submit">${t('confirm')}</button>
    <button type="button" @click=${() => actions.onCancel()}>${t('cancel')}</button>
  </form>`;
}
