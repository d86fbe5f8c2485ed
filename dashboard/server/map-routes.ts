import type { MapSettings } from '../../core/index.js';
import { sendJson } from '../../platform/index.js';
import { methodIs, type ApiRoutes } from './api-context.js';

/**
 * `GET /api/map`: where the map's basemap comes from (MAP_STYLE_URL, MAP_ATTRIBUTION), for any
 * logged-in user. No tile URL: the page draws its bundled offline basemap.
 */
export function createMapRoutes(settings: MapSettings): ApiRoutes {
  return (req, res, ctx) => {
    if (ctx.path !== '/api/map') return false;
    methodIs(req, 'GET', 'HEAD');
    sendJson(res, 200, settings);
    return true;
  };
}
