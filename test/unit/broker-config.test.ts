import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/index.js';

describe('broker configuration: MQTT over TLS', () => {
  const all = { MQTT_TLS_PORT: '8883', MQTT_TLS_CERT: '/etc/quantrac/cert.pem', MQTT_TLS_KEY: '/etc/quantrac/key.pem' };

  it('takes all three of MQTT_TLS_PORT, MQTT_TLS_CERT and MQTT_TLS_KEY, or none', () => {
    expect(loadConfig(all)).toMatchObject({ MQTT_TLS_PORT: 8883, MQTT_TLS_CERT: all.MQTT_TLS_CERT, MQTT_TLS_KEY: all.MQTT_TLS_KEY });
    expect(loadConfig({}).MQTT_TLS_PORT).toBeUndefined();
  });

  it('refuses any one or two of them, naming what is set and what is missing (a certificate is never silently ignored)', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ MQTT_TLS_CERT: all.MQTT_TLS_CERT, MQTT_TLS_KEY: all.MQTT_TLS_KEY }, /MQTT_TLS_CERT and MQTT_TLS_KEY set without MQTT_TLS_PORT/],
      [{ MQTT_TLS_CERT: all.MQTT_TLS_CERT }, /MQTT_TLS_CERT set without MQTT_TLS_PORT and MQTT_TLS_KEY/],
      [{ MQTT_TLS_KEY: all.MQTT_TLS_KEY }, /MQTT_TLS_KEY set without MQTT_TLS_PORT and MQTT_TLS_CERT/],
      [{ MQTT_TLS_PORT: '8883' }, /MQTT_TLS_PORT set without MQTT_TLS_CERT and MQTT_TLS_KEY/],
      [{ MQTT_TLS_PORT: '8883', MQTT_TLS_KEY: all.MQTT_TLS_KEY }, /MQTT_TLS_PORT and MQTT_TLS_KEY set without MQTT_TLS_CERT/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
    }
  });
});

describe('dashboard configuration: the live frame interval', () => {
  it('defaults to 250 ms (4 frames a second), takes a shorter one down to 100 ms, and refuses less with the reason', () => {
    expect(loadConfig({}).DASHBOARD_FRAME_MS).toBe(250);
    expect(loadConfig({ DASHBOARD_FRAME_MS: '150' }).DASHBOARD_FRAME_MS).toBe(150);
    expect(() => loadConfig({ DASHBOARD_FRAME_MS: '50' })).toThrow(/DASHBOARD_FRAME_MS: at least 100 \(10 frames a second\)/);
    expect(() => loadConfig({ DASHBOARD_FRAME_MS: 'often' })).toThrow(ConfigError);
  });
});
