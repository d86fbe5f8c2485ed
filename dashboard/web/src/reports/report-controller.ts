import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type ReportState<T> =
  | { status: 'idle' }
  | { status: 'loading'; url: string }
  | { status: 'ready'; url: string; report: T }
  | { status: 'error'; url: string; message: string };

/**
 * Fetches a report's JSON whenever the host asks for another URL (its attributes changed);
 * a newer request aborts the older one, and disconnecting aborts whatever is in flight.
 */
export class ReportController<T> implements ReactiveController {
  state: ReportState<T> = { status: 'idle' };

  readonly #host: ReactiveControllerHost;
  #abort: AbortController | undefined;
  #url: string | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Loads `url` unless it is the one already shown or loading; undefined clears. */
  load(url: string | undefined, force = false): void {
    if (!force && url === this.#url) return;
    this.#url = url;
    this.#abort?.abort();
    this.#abort = undefined;
    if (url === undefined) {
      this.state = { status: 'idle' };
      this.#host.requestUpdate();
      return;
    }
    void this.#fetch(url);
  }

  hostConnected(): void {
    // Reconnected after a move in the page: fetch again what was interrupted.
    if (this.#url !== undefined && this.state.status === 'loading') void this.#fetch(this.#url);
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    this.#abort = undefined;
  }

  async #fetch(url: string): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    this.state = { status: 'loading', url };
    this.#host.requestUpdate();
    try {
      const res = await fetch(url, { signal: abort.signal, headers: { accept: 'application/json' }, credentials: 'same-origin' });
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
      if (abort.signal.aborted) return;
      this.state = { status: 'ready', url, report: body as T };
    } catch (err) {
      if (abort.signal.aborted) return;
      this.state = { status: 'error', url, message: err instanceof Error ? err.message : String(err) };
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
    }
    this.#host.requestUpdate();
  }
}
