import { randomBytes } from 'node:crypto';
import type { Role } from '../../dashboard/index.js';

/** Anything with the dashboard's user store and URL: a TestCentre or a Centre. */
export interface HasDashboard {
  readonly dashboardUrl: string;
  readonly dashboard: { readonly users: { add(name: string, role: Role, password?: string): Promise<{ password: string }> } };
}

export interface DashboardSession {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  /** `qt_session=...`, for a Cookie header. */
  readonly cookie: string;
  /** The dashboard's own origin (state-changing requests and the WebSocket need it). */
  readonly origin: string;
  /** `{ cookie, origin }`: pass to `connectLive(url, session.headers)` or a fetch. */
  readonly headers: Record<string, string>;
  /** fetch() against the dashboard with the session's cookie and Origin; a JSON body is sent as such. */
  fetch(path: string, init?: { method?: string; json?: unknown; headers?: Record<string, string> }): Promise<Response>;
}

/**
 * Creates a dashboard account with a random name and password (dashboard/: every
 * HTTP API and the WebSocket need a session). Use it for browser logins:
 *   const { username, password } = await createTestUser(centre, 'operator');
 */
export async function createTestUser(
  centre: HasDashboard,
  role: Role = 'viewer',
  username = `test-${role}-${randomBytes(3).toString('hex')}`,
): Promise<{ username: string; password: string; role: Role }> {
  const { password } = await centre.dashboard.users.add(username, role);
  return { username, password, role };
}

/** Logs in over `POST /api/login` and returns the session cookie (throws on refusal). */
export async function loginWith(dashboardUrl: string, username: string, password: string): Promise<{ cookie: string; role: Role }> {
  const origin = new URL(dashboardUrl).origin;
  const res = await fetch(`${dashboardUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login as ${username} refused: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const body = (await res.json()) as { user: { role: Role } };
  return { cookie, role: body.user.role };
}

/**
 * A logged-in session of a new user with this role, for REST and WebSocket tests:
 *   const s = await loginAs(centre, 'viewer');
 *   const live = connectLive(`${centre.dashboardUrl.replace('http', 'ws')}/ws`, s.headers);
 *   const res = await s.fetch('/api/alerts');
 */
export async function loginAs(centre: HasDashboard, role: Role = 'viewer'): Promise<DashboardSession> {
  const { username, password } = await createTestUser(centre, role);
  return sessionFor(centre.dashboardUrl, username, password);
}

/** A session from existing credentials (the demo's printed login, a CLI-made user). */
export async function sessionFor(dashboardUrl: string, username: string, password: string): Promise<DashboardSession> {
  const base = dashboardUrl.replace(/\/+$/, '');
  const { cookie, role } = await loginWith(base, username, password);
  const origin = new URL(base).origin;
  const headers = { cookie, origin };
  return {
    username,
    password,
    role,
    cookie,
    origin,
    headers,
    fetch(path, init = {}) {
      const h: Record<string, string> = { ...headers, ...init.headers };
      if (init.json !== undefined) h['content-type'] = 'application/json';
      return fetch(`${base}${path}`, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: h,
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      });
    },
  };
}
