import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import type { Observable } from 'rxjs';
import type { Catalogue, Logger, Reading, StationSummary } from '../../core/index.js';
import { createLiveHub } from './live-hub.js';
import { serveStatic } from './static-files.js';

export interface DashboardOptions {
  host: string;
  port: number;
  catalogue: Catalogue;
  readings$: Observable<Reading>;
  /** The Vite build of dashboard/web. */
  staticDir: string;
  log: Logger;
  /** Extra routes (metrics, health, reports, open data) answered before the static files. */
  routes?: RouteHandler[];
}

/**
 * A route module mounted by path prefix. `public` routes need no session (open data,
 * /healthz, /metrics); the others are answered only for a logged-in user.
 * `handle` returns true when it answered the request.
 */
export interface RouteHandler {
  prefix: string;
  public?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, user?: { name: string; role: string }): Promise<boolean> | boolean;
}

export interface Dashboard {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function createDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { catalogue, log } = options;
  const staticDir = resolve(options.staticDir);
  const hub = createLiveHub({ readings$: options.readings$ });
  const stations = stationSummaries(catalogue);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      log.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    for (const route of options.routes ?? []) {
      if (path.startsWith(route.prefix) && (await route.handle(req, res))) return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    if (path === '/api/stations') return json(res, 200, { stations });
    if (path === '/api/latest') return json(res, 200, { latest: hub.latest() });
    if (path.startsWith('/api/')) return json(res, 404, { error: 'not found' });
    await serveStatic(staticDir, path, res);
  }

  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws));
  });

  server.listen(options.port, options.host);
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  const url = `http://${options.host === '0.0.0.0' || options.host === '127.0.0.1' ? 'localhost' : options.host}:${port}`;
  log.info({ url }, 'dashboard listening');

  return {
    port,
    url,
    async close() {
      hub.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function stationSummaries(catalogue: Catalogue): StationSummary[] {
  const now = new Date();
  return catalogue.stations.map((s) => {
    const zone = catalogue.zoneOf(s.id)!;
    return {
      id: s.id,
      name: s.name,
      kind: s.kind,
      zoneId: zone.id,
      zoneName: zone.name,
      province: zone.province,
      facilityName: catalogue.facility(s.facilityId)?.name ?? '',
      lat: s.lat,
      lon: s.lon,
      parameters: s.parameters.map((p) => {
        const limit = catalogue.limitAt(s.id, p.parameter, now);
        return { parameter: p.parameter, unit: p.unit, ...(limit ? { max: limit.max } : {}), ...(limit?.lower !== undefined ? { min: limit.lower } : {}) };
      }),
    };
  });
}
