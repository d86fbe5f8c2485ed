import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LIVE_RESYNCED } from './live/connection.js';

/**
 * Calls `load` when its host connects and every `periodMs` while it stays connected: the
 * refresh of a panel that polls a REST route (a failed load is the host's to show). It also
 * loads at once when the live stream comes back after a loss (live/connection.ts), so that a
 * panel does not show what it loaded before a centre restart until its next period.
 */
export class PollController implements ReactiveController {
  readonly #load: () => Promise<void>;
  readonly #periodMs: number;
  readonly #onResync = (): void => void this.#load();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost, load: () => Promise<void>, periodMs: number) {
    this.#load = load;
    this.#periodMs = periodMs;
    host.addController(this);
  }

  hostConnected(): void {
    void this.#load();
    this.#timer = setInterval(() => void this.#load(), this.#periodMs);
    window.addEventListener(LIVE_RESYNCED, this.#onResync);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    window.removeEventListener(LIVE_RESYNCED, this.#onResync);
  }
}
