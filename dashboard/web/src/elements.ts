import { LitElement, type PropertyDeclarations } from 'lit';
import { LangController } from './i18n/index.js';

/** A view of the page: re-rendered when the language changes. */
export class QtElement extends LitElement {
  constructor() {
    super();
    new LangController(this);
  }
}

/** Properties a parent sets from its template (objects, callbacks): no attribute. */
export function inputs(...names: string[]): PropertyDeclarations {
  return Object.fromEntries(names.map((name) => [name, { attribute: false }]));
}

/** The element's own state: re-renders when assigned, never set from outside. */
export function states(...names: string[]): PropertyDeclarations {
  return Object.fromEntries(names.map((name) => [name, { state: true }]));
}
