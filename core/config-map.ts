import { z } from 'zod';

/** The tile placeholders a raster tile URL template must carry ({s} and {r} are optional). */
const TILE_PLACEHOLDERS = ['{z}', '{x}', '{y}'];

/**
 * The dashboard map's basemap (docs/CONFIGURATION.md, "Dashboard (HTTP)"), merged into
 * ConfigSchema. Empty MAP_STYLE_URL keeps the bundled offline basemap: the centre may have no
 * internet, and the page then loads nothing from elsewhere.
 */
export const MapConfigShape = {
  /** A raster tile URL template, `https://tiles.example/{z}/{x}/{y}.png` or a same-origin `/tiles/{z}/{x}/{y}.png`; empty: offline basemap. */
  MAP_STYLE_URL: z
    .string()
    .trim()
    .default('')
    .refine(
      (url) =>
        url === '' || ((/^https?:\/\/[^\s/]+\//.test(url) || /^\/[^/\s]/.test(url)) && TILE_PLACEHOLDERS.every((p) => url.includes(p))),
      'MAP_STYLE_URL must be empty or an http(s):// or /path tile URL template with {z}, {x} and {y}',
    ),
  /** Attribution text the tile provider requires, shown in the map's corner (plain text). */
  MAP_ATTRIBUTION: z.string().trim().max(500).default(''),
};

/** What the page is told about the map (`GET /api/map`): tiles, or undefined for the bundled basemap. */
export interface MapSettings {
  tileUrl?: string;
  attribution: string;
}

export function mapSettings(config: { MAP_STYLE_URL: string; MAP_ATTRIBUTION: string }): MapSettings {
  return config.MAP_STYLE_URL === ''
    ? { attribution: config.MAP_ATTRIBUTION }
    : { tileUrl: config.MAP_STYLE_URL, attribution: config.MAP_ATTRIBUTION };
}

/**
 * The CSP `img-src` source the page needs for MAP_STYLE_URL's tiles: the tile server's origin
 * (`{s}` subdomains as a wildcard), or undefined for the bundled basemap or same-origin tiles.
 */
export function tileImageSource(settings: MapSettings): string | undefined {
  if (!settings.tileUrl || settings.tileUrl.startsWith('/')) return undefined;
  const url = new URL(settings.tileUrl.replace(/\{s\}/g, 'tile-subdomain').replace(/\{[a-z]+\}/g, '0'));
  return `${url.protocol}//${url.host.replace(/^tile-subdomain\./, '*.')}`;
}
