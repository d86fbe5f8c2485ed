import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Route } from '../core/index.js';
import { pathOf, SECURITY_HEADERS } from '../platform/index.js';

export interface OpsRoutesOptions {
  registry: Registry;
  /** `failing` answers 503 (a load balancer should stop sending gateways here); the rest 200. */
  health(): { status: 'ok' | 'degraded' | 'failing' };
}

/**
 * `/metrics` (Prometheus text format) and `/healthz` (JSON), with the platform's security
 * headers like every other answer (nosniff: neither is a page to render). Both public: no session, and
 * nothing secret in them (no credentials, not even the InfluxDB address). main.ts mounts them
 * on the dashboard's server (core/ports.ts `Route`).
 */
export function createOpsRoutes(options: OpsRoutesOptions): Route[] {
  const only = (path: string, req: IncomingMessage, res: ServerResponse): boolean => {
    if (pathOf(req) !== path) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' })
        .end('method not allowed\n');
      return false;
    }
    return true;
  };
  return [
    {
      prefix: '/metrics',
      public: true,
      async handle(req, res) {
        if (!only('/metrics', req, res)) return res.writableEnded;
        const body = await options.registry.metrics();
        res
          .writeHead(200, { ...SECURITY_HEADERS, 'content-type': options.registry.contentType, 'cache-control': 'no-store' })
          .end(req.method === 'HEAD' ? undefined : body);
        return true;
      },
    },
    {
      prefix: '/healthz',
      public: true,
      async handle(req, res) {
        if (!only('/healthz', req, res)) return res.writableEnded;
        const health = options.health();
        res
          .writeHead(health.status === 'failing' ? 503 : 200, {
            ...SECURITY_HEADERS,
            'content-type': 'application/json; charset=utf-8',
            'cache-control': 'no-store',
          })
          .end(req.method === 'HEAD' ? undefined : JSON.stringify(health));
        return true;
      },
    },
  ];
}
