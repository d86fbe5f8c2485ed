import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { HAPROXY, startHaproxy, type Haproxy } from '../helpers/haproxy-harness.js';

const run = promisify(execFile);

/** A stand-in centre for the harness's own test: a TCP port that says its name, and /healthz. */
interface StubCentre {
  name: string;
  mqttPort: number;
  httpPort: number;
  healthy: boolean;
  close(): Promise<void>;
}

const listen = (s: Server | HttpServer): Promise<number> =>
  new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));

/** `hold`: the TCP port keeps the connection open after saying its name, as a gateway's MQTT session. */
async function stubCentre(name: string, hold = false): Promise<StubCentre> {
  const mqtt = createServer((socket) => (hold ? socket.write(`${name}\n`) : socket.end(`${name}\n`)));
  const stub = { name, healthy: true } as StubCentre;
  const held = new Set<Socket>();
  mqtt.on('connection', (c) => {
    held.add(c);
    c.on('close', () => held.delete(c));
  });
  const http = createHttpServer((req, res) => {
    const ok = req.url === '/healthz' && stub.healthy;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'failing' }));
  });
  stub.mqttPort = await listen(mqtt);
  stub.httpPort = await listen(http);
  stub.close = async () => {
    http.closeAllConnections();
    for (const c of held) c.destroy();
    await Promise.all([new Promise((r) => mqtt.close(r)), new Promise((r) => http.close(r))]);
  };
  return stub;
}

/** Connects through HAProxy and reads which centre answered. */
function whoAnswers(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    let out = '';
    s.on('data', (d) => void (out += d.toString()));
    s.on('end', () => resolve(out.trim()));
    s.on('close', () => resolve(out.trim()));
    s.on('error', reject);
  });
}

async function answers(port: number, n: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add(await whoAnswers(port));
  return seen;
}

describe('startHaproxy', () => {
  let proxy: Haproxy | undefined;
  const stubs: StubCentre[] = [];
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
    await Promise.all(stubs.splice(0).map((s) => s.close().catch(() => undefined)));
  });

  it('balances over healthy centres, and routes away from one whose /healthz fails or that is gone', async () => {
    stubs.push(await stubCentre('a'), await stubCentre('b'));
    const [a, b] = stubs as [StubCentre, StubCentre];
    proxy = await startHaproxy({ backends: stubs.map((s) => ({ mqttPort: s.mqttPort, httpPort: s.httpPort })) });
    expect(proxy.config).toContain(`check port ${a.httpPort}`);
    await proxy.waitStatus('c0', 'UP');
    await proxy.waitStatus('c1', 'UP');
    expect(await answers(proxy.port, 10)).toEqual(new Set(['a', 'b']));

    // /healthz answers 503 (the centre refuses admission): HAProxy stops sending gateways there.
    a.healthy = false;
    await proxy.waitStatus('c0', 'DOWN');
    expect(await answers(proxy.port, 10)).toEqual(new Set(['b']));

    // Healthy again: back in; then b dies outright (no answer at all): out.
    a.healthy = true;
    await proxy.waitStatus('c0', 'UP');
    await b.close();
    await proxy.waitStatus('c1', 'DOWN');
    expect(await answers(proxy.port, 10)).toEqual(new Set(['a']));
  });
});

describe('startHaproxy, a centre marked down', () => {
  it('has its gateways disconnected (on-marked-down shutdown-sessions), so they reconnect to another', async () => {
    const a = await stubCentre('a', true);
    const b = await stubCentre('b', true);
    const proxy = await startHaproxy({ backends: [a, b].map((s) => ({ mqttPort: s.mqttPort, httpPort: s.httpPort })) });
    try {
      await proxy.waitStatus('c0', 'UP');
      await proxy.waitStatus('c1', 'UP');
      const gateway = connect({ port: proxy.port, host: '127.0.0.1' });
      const closed = new Promise<void>((r) => gateway.once('close', () => r()));
      gateway.on('error', () => undefined);
      const first = await new Promise<string>((r) => gateway.once('data', (d) => r(d.toString().trim())));
      const [at, other] = first === 'a' ? [a, b] : [b, a];
      at.healthy = false;
      await proxy.waitStatus(first === 'a' ? 'c0' : 'c1', 'DOWN');
      await closed;
      // Reconnecting goes to the other centre.
      const again = connect({ port: proxy.port, host: '127.0.0.1' });
      const second = await new Promise<string>((r) => again.once('data', (d) => r(d.toString().trim())));
      again.destroy();
      expect(second).toBe(other.name);
    } finally {
      await proxy.stop();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('ops/haproxy/haproxy.cfg', () => {
  it('is a valid HAProxy configuration', async () => {
    const { stdout, stderr } = await run(HAPROXY, ['-c', '-f', 'ops/haproxy/haproxy.cfg']);
    expect(`${stdout}${stderr}`).toMatch(/Configuration file is valid/);
  });
});
