import type { Config } from '../core/index.js';

/** The relay's settings (docs/CONFIGURATION.md, "Upstream relay"). */
export interface RelaySettings {
  /** mqtt://host:port or mqtts://host:port of the upstream centre. */
  url: string;
  /** The relay's gateway account at the upstream (it lists this centre's stations). */
  username: string;
  password: string;
  /** Path of a PEM file with the CA that signed the upstream's certificate (mqtts:// with a private CA); read once at start. */
  caFile?: string;
  /** The client id is `<username>:<clientSuffix>` (docs/PROTOCOL.md, "Identity": the account owns it). */
  clientSuffix: string;
  /** At most this many messages published and not yet acknowledged. */
  maxInflight: number;
  /** Readings per forwarded message, at most. */
  batchReadings: number;
  /** Reconnect back-off ceiling, seconds. */
  retryMaxS: number;
}

/** The relay's settings from the configuration, or undefined when UPSTREAM_URL is unset (no relay). */
export function relaySettings(config: Config): RelaySettings | undefined {
  if (config.UPSTREAM_URL === undefined || config.UPSTREAM_USERNAME === undefined || config.UPSTREAM_PASSWORD === undefined)
    return undefined;
  return {
    url: config.UPSTREAM_URL,
    username: config.UPSTREAM_USERNAME,
    password: config.UPSTREAM_PASSWORD,
    caFile: config.UPSTREAM_CA,
    clientSuffix: config.UPSTREAM_CLIENT_SUFFIX,
    maxInflight: config.UPSTREAM_MAX_INFLIGHT,
    batchReadings: config.UPSTREAM_BATCH_READINGS,
    retryMaxS: config.UPSTREAM_RETRY_MAX_S,
  };
}

/** `mqtts://host:port` of a URL, without credentials or path, with the scheme's default port when none is given. */
export function displayUpstream(url: string): string {
  try {
    const u = new URL(url);
    const port = u.port !== '' ? u.port : u.protocol === 'mqtts:' ? '8883' : '1883';
    return `${u.protocol}//${u.hostname}:${port}`;
  } catch {
    return 'invalid upstream URL';
  }
}
