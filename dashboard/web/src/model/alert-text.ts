import type { Alert } from '../../../../core/index.js';
// The file itself, not core/index.ts: the bundle takes pure functions, never zod.
import { alertMessageIn } from '../../../../core/alert-text.js';
import { lang } from '../i18n/index.js';
import { formatNumber } from '../number-format.js';

/**
 * An alert's message in the page's language: from its code and parameters when it has them
 * (this centre's alerts and those relayed from province centres alike), else its stored text
 * (alerts stored before codes existed, or a code this page does not know).
 */
export function alertText(a: Pick<Alert, 'message' | 'code' | 'params'>): string {
  // Numbers as everywhere else on the page (number-format.ts), so a message and its value column agree.
  return alertMessageIn(a, lang(), { number: (v) => formatNumber(v) });
}
