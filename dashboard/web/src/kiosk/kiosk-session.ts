/**
 * The wall display's session (the server's display-session.ts): the kiosk URL carries a display
 * token in its fragment (`#/kiosk?display=TOKEN&rotate=20`), exchanged here for a session
 * cookie. The token leaves the address bar and the history at once (history.replaceState) and
 * is kept in sessionStorage, for this tab only, so that the display signs itself in again after
 * a centre restart or an expired session without anyone at the keyboard; a token the centre
 * refuses (the display was removed) is forgotten.
 */

const TOKEN_KEY = 'quantrac.display-token';
const KIOSK_HASH = /^#\/kiosk(?:[/?]|$)/;
/** The rotation's bounds and default, in seconds (`rotate=` in the kiosk URL). */
const ROTATE_MIN_S = 3;
const ROTATE_MAX_S = 600;
const ROTATE_DEFAULT_S = 20;

export type Exchange = 'ok' | 'refused';

/** Whether the page was opened as a wall display. */
export const isKioskLocation = (hash: string = location.hash): boolean => KIOSK_HASH.test(hash);

function hashQuery(hash: string): URLSearchParams {
  const at = hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
}

/** The URL's fragment without its token: `#/kiosk`, with the other parameters kept. */
export function withoutToken(hash: string): string {
  const q = hashQuery(hash);
  q.delete('display');
  const rest = q.toString();
  return `#/kiosk${rest ? `?${rest}` : ''}`;
}

/** The token of the URL, removed from it (address bar and history) and kept for this tab; undefined when there is none. */
export function takeKioskToken(): string | undefined {
  const token = hashQuery(location.hash).get('display') ?? undefined;
  if (token === undefined) return undefined;
  history.replaceState(history.state, '', `${location.pathname}${location.search}${withoutToken(location.hash)}`);
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // no storage (private mode): the display signs in again only from its URL
  }
  return token;
}

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing kept
  }
}

/** Seconds between views, from `rotate=` in the kiosk URL, within bounds. */
export function rotationSeconds(hash: string = location.hash): number {
  const asked = Number(hashQuery(hash).get('rotate'));
  if (!Number.isFinite(asked) || asked <= 0) return ROTATE_DEFAULT_S;
  return Math.min(ROTATE_MAX_S, Math.max(ROTATE_MIN_S, asked));
}

/** `POST /api/display/session`: 'refused' when the centre does not know the token; throws when it cannot be reached. */
export async function exchangeToken(token: string): Promise<Exchange> {
  const res = await fetch('/api/display/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (res.ok) return 'ok';
  if (res.status === 401 || res.status === 400) return 'refused';
  throw new Error(`HTTP ${res.status}`);
}

/** Whether the cookie holds a live session (`GET /api/me`); throws when the centre cannot be reached. */
export async function hasSession(): Promise<boolean> {
  const res = await fetch('/api/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.ok) return true;
  if (res.status === 401) return false;
  throw new Error(`HTTP ${res.status}`);
}

/**
 * Signs the display in: with the URL's token when it has one, else the session it has, else
 * the token kept for this tab. 'refused' when none of them opens a session.
 */
export async function signIn(fresh: string | undefined): Promise<Exchange> {
  if (fresh !== undefined) return exchangeToken(fresh);
  if (await hasSession()) return 'ok';
  const kept = storedToken();
  return kept === undefined ? 'refused' : exchangeToken(kept);
}
