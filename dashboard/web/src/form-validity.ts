import { t, type MessageKey } from './i18n/index.js';

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** The message for a field's first failed constraint, in the page's language. */
export function validityText(field: Field): string {
  const v = field.validity;
  const input = field instanceof HTMLInputElement ? field : undefined;
  // A field may name its own text for a pattern it does not meet (data-pattern-message).
  const own = field.dataset['patternMessage'] as MessageKey | undefined;
  if (v.valueMissing) return t(field instanceof HTMLSelectElement && field.multiple ? 'valid_choose' : 'valid_required');
  if (v.badInput || v.typeMismatch) return t('valid_number');
  if (v.patternMismatch) return t(own ?? 'valid_pattern');
  if (v.rangeUnderflow) return t('valid_min', { min: input?.min ?? '' });
  if (v.rangeOverflow) return t('valid_max', { max: input?.max ?? '' });
  if (v.tooLong) return t('valid_tooLong', { n: String(field instanceof HTMLSelectElement ? '' : field.maxLength) });
  return t('valid_other');
}

const isField = (el: EventTarget | null): el is Field =>
  el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;

/**
 * Put on a form (`<form @invalid=${localValidity} @input=${clearValidity} @change=${clearValidity}>`):
 * the browser's bubble then says what is wrong in the page's language, not the browser's
 * ("Please fill out this field" in a Vietnamese form). `invalid` does not bubble, hence the
 * capture; the text is dropped on the next edit so the field's own constraints decide again.
 */
export const localValidity = {
  capture: true,
  handleEvent(e: Event): void {
    const field = e.target;
    if (!isField(field)) return;
    field.setCustomValidity('');
    if (!field.validity.valid) field.setCustomValidity(validityText(field));
  },
};

export function clearValidity(e: Event): void {
  if (isField(e.target)) e.target.setCustomValidity('');
}
