import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { isPending, type Logger } from '../../core/index.js';
import { createRateLimitedLog, pathOf, queryOf, systemClock, type Clock } from '../../platform/index.js';
import type { Auth, Principal } from './auth.js';
import type { LiveHub } from './live-hub.js';
import type { OriginCheck } from './origin-check.js';

export interface LiveUpgradeOptions {
  auth: Pick<Auth, 'principal' | 'clientAddress'>;
  /** The dashboard's own origins (origin-check.ts). */
  origin: Pick<OriginCheck, 'allowed'>;
  hub: Pick<LiveHub, 'attach'>;
  log: Logger;
  /** Times the rate limit of refusal log lines (default the system's). */
  clock?: Clock;
}

export interface LiveUpgrade {
  /** The HTTP server's 'upgrade' listener. */
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends every live socket it accepted. */
  close(): void;
}

/**
 * The live WebSocket's door (`/ws?format=compact|readings|binary`, core/live.ts): the dashboard's
 * own Origin and a session are checked before the upgrade, then the socket is handed to the
 * hub with its session, so the session sweep can end it, and its user's scope, so that it
 * carries only the stations the user may see (docs/SECURITY.md, "Access by level").
 */
export function createLiveUpgrade(options: LiveUpgradeOptions): LiveUpgrade {
  const { auth, hub, log } = options;
  const note = createRateLimitedLog(log, 60_000, options.clock ?? systemClock);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, refuse: (status: number, text: string) => void): void {
    if (pathOf(req) !== '/ws') return refuse(404, 'Not Found');
    // Cross-site WebSocket hijacking: browsers send cookies on a cross-origin upgrade, so the
    // Origin is checked as well as the session (OWASP WebSocket security cheat sheet).
    if (!options.origin.allowed(req)) {
      note('warn', 'origin', { origin: req.headers.origin, address: auth.clientAddress(req) }, 'live socket from a foreign origin refused');
      return refuse(403, 'Forbidden');
    }
    const found = auth.principal(req);
    const accept = (principal: Principal | undefined): void => {
      if (!principal) return refuse(401, 'Unauthorized');
      const asked = queryOf(req).get('format');
      const format = asked === 'readings' || asked === 'binary' ? asked : 'compact';
      wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, { format, sessionId: principal.session.id, scope: principal.scope }));
    };
    if (!isPending(found)) return accept(found);
    // A shared session store (cluster mode): a store that cannot answer is a 503, never a crash.
    found
      .then(accept, (err: unknown) => {
        note('warn', 'session-store', { err }, 'live socket refused: the session store did not answer');
        refuse(503, 'Service Unavailable');
      })
      .catch((err: unknown) => {
        log.error({ err }, 'live socket upgrade failed');
        refuse(500, 'Internal Server Error');
      });
  }

  return {
    onUpgrade(req, socket, head) {
      const refuse = (status: number, text: string): void => {
        socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      };
      socket.on('error', () => socket.destroy());
      // An event listener: a throw here would be an uncaught exception and stop the whole centre.
      try {
        upgrade(req, socket, head, refuse);
      } catch (err) {
        log.error({ err }, 'live socket upgrade failed');
        refuse(500, 'Internal Server Error');
      }
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
