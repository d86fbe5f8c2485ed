import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Calls `load` when its host connects and every `periodMs` while it stays connected: the
 * refresh of a panel that polls a REST route (a failed load is the host's to show).
 */
export class PollController implements ReactiveController {
  readonly #load: () => Promise<void>;
  readonly #periodMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost, load: () => Promise<void>, periodMs: number) {
    this.#load = load;
    this.#periodMs = periodMs;
    host.addController(this);
  }

  hostConnected(): void {
    void this.#load();
    this.#timer = setInterval(() => void this.#load(), this.#periodMs);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
