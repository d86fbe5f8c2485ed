/** A failed API call, with the server's status and stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Fired on window when any call finds the session gone (401): the app shows the login form. */
export const SESSION_LOST = 'qt-session-lost';

/**
 * fetch() for the centre's REST API: same origin, cookies sent (SameSite=Strict), JSON both
 * ways. The browser adds the Origin header to POSTs, which the server checks (CSRF).
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (res.status === 204) return undefined as T;
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const b = (body ?? {}) as { error?: string; code?: string };
    if (res.status === 401 && path !== '/api/login') window.dispatchEvent(new Event(SESSION_LOST));
    throw new ApiError(res.status, b.code ?? `HTTP_${res.status}`, b.error ?? `HTTP ${res.status}`);
  }
  return body as T;
}
