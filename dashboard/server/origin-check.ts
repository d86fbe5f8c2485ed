import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface OriginCheckOptions {
  /** The address the dashboard listens on (HTTP_HOST). */
  host: string;
  /** The port it listens on, read once it does (port 0 picks one). */
  port: () => number;
  /** DASHBOARD_ORIGINS: the origins it is reached at besides its listening address (a DNS name, a proxy). */
  allowedOrigins?: readonly string[];
  /** Behind a trusted TLS-terminating proxy: X-Forwarded-Proto https makes the own origins https. */
  trustProxy?: boolean;
  /** The machine's addresses, for a wildcard bind (default os.networkInterfaces). */
  interfaceAddresses?: () => string[];
}

export interface OriginCheck {
  /**
   * CSRF and cross-site WebSocket defence (OWASP CSRF cheat sheet, "verifying origin with
   * standard headers"): the request's Origin is one of the dashboard's own, from its
   * configuration. The Host header is never consulted: a page on a DNS name rebound to this
   * centre's address (DNS rebinding) sends a matching Host and Origin of its own choosing.
   */
  allowed(req: IncomingMessage): boolean;
  /** The origins accepted for a plain-HTTP request (for logs and tests). */
  origins(): string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
const isWildcard = (host: string): boolean => host === '' || host === '0.0.0.0' || host === '::';
const bracketed = (address: string): string => (isIP(address) === 6 ? `[${address}]` : address);

function machineAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !(i.family === 'IPv6' && i.scopeid !== 0))
    .map((i) => i!.address);
}

/** An origin in the form a browser sends it (lower case, no default port, no path); the text itself when it is not a URL. */
function canonical(origin: string): string {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? origin : url.origin;
  } catch {
    return origin.replace(/\/+$/, '');
  }
}

/**
 * The dashboard's own origins: its listening address at its port (for a loopback bind also the
 * other loopback names, for a wildcard bind every address of the machine at start), plus
 * DASHBOARD_ORIGINS. A centre reached by a DNS name must list that name in DASHBOARD_ORIGINS
 * (docs/CONFIGURATION.md): names can be rebound, addresses cannot.
 */
export function createOriginCheck(options: OriginCheckOptions): OriginCheck {
  const extra = new Set((options.allowedOrigins ?? []).map(canonical));
  let cached: { port: number; hosts: string[] } | undefined;

  const hosts = (): string[] => {
    const port = options.port();
    if (cached?.port !== port) {
      const host = options.host.replace(/^\[|\]$/g, '');
      const names = isWildcard(host)
        ? [...LOOPBACK_NAMES, ...(options.interfaceAddresses ?? machineAddresses)().map(bracketed)]
        : isLoopback(host)
          ? [...LOOPBACK_NAMES, bracketed(host)]
          : [bracketed(host)];
      cached = { port, hosts: [...new Set(names.map((h) => `${h}:${port}`))] };
    }
    return cached.hosts;
  };
  const own = (scheme: 'http' | 'https'): string[] => hosts().map((h) => canonical(`${scheme}://${h}`));

  const secure = (req: IncomingMessage): boolean => {
    if ((req.socket as { encrypted?: boolean }).encrypted) return true;
    const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0];
    return options.trustProxy === true && proto?.trim() === 'https';
  };

  return {
    allowed(req) {
      const origin = req.headers.origin;
      if (typeof origin !== 'string' || origin === 'null') return false;
      return extra.has(origin) || own(secure(req) ? 'https' : 'http').includes(origin);
    },
    origins: () => [...own('http'), ...extra],
  };
}
