import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Re-renders its host every `periodMs`, for what changes with time alone (staleness). */
export class ClockController implements ReactiveController {
  /** Browser time of the last tick, epoch ms. */
  now = Date.now();

  readonly #host: ReactiveControllerHost;
  readonly #periodMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost, periodMs = 5_000) {
    this.#host = host;
    this.#periodMs = periodMs;
    host.addController(this);
  }

  hostConnected(): void {
    this.now = Date.now();
    this.#timer = setInterval(() => {
      this.now = Date.now();
      this.#host.requestUpdate();
    }, this.#periodMs);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
