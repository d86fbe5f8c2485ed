/**
 * Whether what the page shows is live (core/live.ts): the socket is open and some frame (data or
 * the server's `beat`, sent after 2 s of quiet) came recently. Pure, so that it is tested in
 * virtual time; the live controller feeds it and the header, the banner and the views follow it.
 */

/** `connecting`: nothing received yet (a first load); `stale`: open but silent; `down`: closed. */
export type LinkKind = 'connecting' | 'live' | 'stale' | 'down';

export interface Link {
  kind: LinkKind;
  /** Browser time of the last frame: the data shown is as of then (undefined: none yet). */
  since: number | undefined;
}

/**
 * No frame for this long on an open socket: the centre is silent (hung, or the network holds
 * the packets). The server beats after 2 s of quiet, checked on its 250 ms tick, so frames are
 * at most 2.25 s apart; over a second more is an outage, and the page, checking twice a
 * second, shows it within 4 s of the centre's last word.
 */
export const STALE_AFTER_MS = 3_500;

/** Fired on window when the page is live again after a loss: panels that poll reload. */
export const LIVE_RESYNCED = 'qt-live-resynced';

export interface LinkInput {
  /** The socket is open. */
  open: boolean;
  /** Browser time of the last frame of any kind; undefined: none on any socket yet. */
  lastFrameAt: number | undefined;
  /** Browser time now. */
  now: number;
  staleAfterMs?: number;
}

export function linkStatus({ open, lastFrameAt, now, staleAfterMs = STALE_AFTER_MS }: LinkInput): Link {
  if (lastFrameAt === undefined) return { kind: 'connecting', since: undefined };
  if (!open) return { kind: 'down', since: lastFrameAt };
  if (now - lastFrameAt > staleAfterMs) return { kind: 'stale', since: lastFrameAt };
  return { kind: 'live', since: lastFrameAt };
}

/** Whether the page must show its data as not live (greyed, "as of", the banner). */
export const isLost = (link: Link): boolean => link.kind === 'stale' || link.kind === 'down';
