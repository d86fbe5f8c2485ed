import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedHook[];
  /** Answers to give next, in order; when empty, `fallback` (200 unless set). */
  answers: number[];
  fallback: number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1, port 0, that records every request and answers as told. */
export async function startWebhookReceiver(answers: number[] = [], fallback = 200): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    received,
    answers: [...answers],
    fallback,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = receiver.answers.shift() ?? receiver.fallback;
      received.push({ status, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try again');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/quantrac`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
