import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Route } from './router.js';

/**
 * What makes a route another page: its name and the station, zone or view it shows. A chart's
 * parameter, an alerts tab or a report's date are the same page, so they keep the scroll.
 */
export function pageKey(route: Route): string {
  const r = route as Partial<Record<'station' | 'zone' | 'view' | 'id', unknown>>;
  // The overview's view (table or map) is another page; the alerts panel's filter view is not.
  const view = typeof r.view === 'string' ? r.view : '';
  return [route.name, r.station ?? '', r.zone ?? '', view, r.id ?? ''].join('|');
}

/**
 * Scrolls the window to the top once its host has rendered another page (a browser keeps the
 * old scroll position on a hash change, so a new page would open half way down), and tells
 * `onChange` (the phone menu closes). Live updates of the same page never move it.
 */
export class ScrollResetController implements ReactiveController {
  #last: string | undefined;
  readonly #key: () => string;
  readonly #onChange: () => void;

  constructor(host: ReactiveControllerHost, key: () => string, onChange: () => void = () => undefined) {
    this.#key = key;
    this.#onChange = onChange;
    host.addController(this);
  }

  hostUpdated(): void {
    const key = this.#key();
    if (this.#last !== undefined && key !== this.#last) {
      window.scrollTo(0, 0);
      this.#onChange();
    }
    this.#last = key;
  }
}
