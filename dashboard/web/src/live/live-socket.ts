export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The server ends a socket with this code when its session ended (logout, expiry, disabled). */
const SESSION_ENDED = 4401;

export interface LiveSocketOptions {
  /** Defaults to `/ws?format=binary` on the page's own host. */
  url?: string;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Each message's data (text or ArrayBuffer). */
  onData(data: unknown): void;
  /** Opened, lost, reconnecting: the page shows it. */
  onStateChange(): void;
  /** The session is gone (the server said so, or `/api/me` answered 401): no more reconnecting. */
  onSessionEnded(): void;
}

function defaultUrl(): string {
  // Binary deltas (core/live-binary.ts): half the bytes of JSON rows on the every-station stream.
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?format=binary`;
}

/**
 * The live WebSocket (core/live.ts) and its reconnection: capped exponential backoff with equal
 * jitter, reset once a connection delivered its snapshot (`healthy()`); the view's focus sent
 * on every open.
 */
export class LiveSocket {
  state: ConnectionState = 'connecting';
  readonly #options: LiveSocketOptions;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  #socket: WebSocket | undefined;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #active = false;
  /** The stations of the view (core/live.ts, views): none for the shared stream of every station. */
  #focus: readonly string[] = [];

  constructor(options: LiveSocketOptions) {
    this.#options = options;
    this.#minDelayMs = options.minDelayMs ?? 500;
    this.#maxDelayMs = options.maxDelayMs ?? 10_000;
  }

  open(): void {
    this.#active = true;
    this.#attempt = 0;
    this.#connect();
  }

  close(): void {
    this.#active = false;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'page closed');
    this.state = 'closed';
  }

  /** The connection delivered its snapshot: the next loss backs off from the start. */
  healthy(): void {
    this.#attempt = 0;
  }

  focus(stations: readonly string[]): void {
    if (stations.length === this.#focus.length && stations.every((s, i) => s === this.#focus[i])) return;
    this.#focus = [...stations];
    this.#sendFocus();
  }

  #sendFocus(): void {
    const socket = this.#socket;
    if (socket === undefined || this.state !== 'open') return; // sent on open
    socket.send(JSON.stringify({ type: 'focus', stations: this.#focus }));
  }

  #connect(): void {
    this.#retryTimer = undefined;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#options.url ?? defaultUrl());
    } catch {
      this.#retry(false);
      return;
    }
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    let opened = false;
    // Handlers check identity: a socket we let go of must not touch state any more.
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      opened = true;
      this.state = 'open';
      if (this.#focus.length > 0) this.#sendFocus();
      this.#options.onStateChange();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (socket === this.#socket) this.#options.onData(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (socket !== this.#socket) return;
      this.#socket = undefined;
      if (event.code === SESSION_ENDED) {
        this.#active = false;
        this.state = 'closed';
        this.#options.onSessionEnded();
        return;
      }
      this.#retry(!opened);
    };
  }

  #retry(refused: boolean): void {
    if (!this.#active) return;
    this.state = 'reconnecting';
    this.#options.onStateChange();
    // An upgrade refused before opening may mean the session is gone (the browser does not
    // say why): ask the API, whose 401 ends the session.
    if (refused)
      void fetch('/api/me', { credentials: 'same-origin' }).then(
        (r) => {
          if (r.status === 401) {
            this.#active = false;
            clearTimeout(this.#retryTimer);
            this.#options.onSessionEnded();
          }
        },
        () => undefined,
      );
    // Equal jitter: half the nominal delay plus a random part of the other half, so that
    // hundreds of control-room screens do not all come back on the same tick after a restart.
    const nominal = Math.min(this.#maxDelayMs, this.#minDelayMs * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => this.#connect(), nominal / 2 + (Math.random() * nominal) / 2);
  }
}
