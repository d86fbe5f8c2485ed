import type { RedisOptions } from 'ioredis';
import type { ClusterSettings } from '../core/index.js';

/**
 * ioredis connection options from the cluster's settings (docs/ARCHITECTURE.md, "Cluster mode"):
 * a primary by URL, or the Sentinels that name the current primary (ioredis asks them, and asks
 * again after a failover). Options rather than a connection, because mqemitter-redis and
 * aedes-persistence-redis each make their own connections from options with the ioredis they
 * bundle, and ioredis takes a URL only as a separate argument, which neither passes on.
 */
export function redisConnectionOptions(settings: ClusterSettings): RedisOptions {
  const { redis, password } = settings;
  if ('sentinels' in redis) {
    return {
      sentinels: redis.sentinels,
      name: redis.name,
      ...(password !== undefined ? { password, sentinelPassword: password } : {}),
    };
  }
  const url = new URL(redis.url);
  const options: RedisOptions = {
    // An IPv6 literal comes bracketed in a URL ([::1]); a socket wants it bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
  };
  const urlPassword = decodeURIComponent(url.password);
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (urlPassword !== '' || password !== undefined) options.password = urlPassword !== '' ? urlPassword : password;
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}
