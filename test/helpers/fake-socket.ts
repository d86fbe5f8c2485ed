import type { WebSocket } from 'ws';
import { decodeBinaryDelta } from '../../core/live-binary.js';

/** A stand-in for a `ws` socket in unit tests of the live hub: records frames, lets tests set `bufferedAmount`. */
export interface FakeSocket {
  readonly socket: WebSocket;
  /** What the hub sent: text frames, and binary ones (Uint8Array). */
  readonly sent: Array<string | Uint8Array>;
  bufferedAmount: number;
  readonly closed: { code?: number; reason?: string; terminated: boolean };
  /** Frames parsed as JSON; a binary delta decoded into the equivalent compact `delta` frame. */
  frames<T = { type: string }>(): T[];
  /** Simulates the peer closing. */
  emitClose(): void;
  /** Simulates the peer sending a text message (or a binary one). */
  emitMessage(data: string | Buffer, isBinary?: boolean): void;
}

export function fakeSocket(): FakeSocket {
  const handlers = new Map<string, Array<(...args: unknown[]) => void>>();
  const sent: Array<string | Uint8Array> = [];
  const closed: FakeSocket['closed'] = { terminated: false };
  const fake = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send(data: string | Uint8Array) {
      sent.push(data);
    },
    close(code?: number, reason?: string) {
      closed.code = code;
      closed.reason = reason;
      fake.readyState = 3;
    },
    terminate() {
      closed.terminated = true;
      fake.readyState = 3;
    },
    on(event: string, fn: (...args: unknown[]) => void) {
      handlers.set(event, [...(handlers.get(event) ?? []), fn]);
      return fake;
    },
  };
  return {
    socket: fake as unknown as WebSocket,
    sent,
    get bufferedAmount() {
      return fake.bufferedAmount;
    },
    set bufferedAmount(n: number) {
      fake.bufferedAmount = n;
    },
    closed,
    frames: <T>() =>
      sent.map(
        (s) => (typeof s === 'string' ? JSON.parse(s) : { type: 'delta', binary: true, presence: [], ...decodeBinaryDelta(s) }) as T,
      ),
    emitClose() {
      fake.readyState = 3;
      for (const fn of handlers.get('close') ?? []) fn();
    },
    emitMessage(data: string | Buffer, isBinary = false) {
      for (const fn of handlers.get('message') ?? []) fn(typeof data === 'string' ? Buffer.from(data) : data, isBinary);
    },
  };
}
