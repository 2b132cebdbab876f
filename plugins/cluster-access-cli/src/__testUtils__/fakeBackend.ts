import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One request the fake backend saw. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
  body: string;
}

type Handler = (request: SeenRequest, res: ServerResponse) => void;

/**
 * A tiny HTTP server standing in for the Backstage backend, to test how the
 * CLI reacts to its answers. Routes are `METHOD /path` under
 * `/api/cluster-access`; anything else is a 404 like Backstage's.
 */
export async function startFakeBackend(
  routes: Record<string, Handler>,
  options: { tls?: { key: string; cert: string } } = {},
) {
  const seen: SeenRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '').replace(/^\/api\/cluster-access/, '');
      const request: SeenRequest = {
        method: req.method ?? '',
        path,
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      const handler = routes[`${request.method} ${path}`];
      if (handler) {
        handler(request, res);
      } else {
        backstageError(res, 404, 'NotFoundError', 'Not found');
      }
    });
  };
  const server = options.tls
    ? createTlsServer(options.tls, listener)
    : createServer(listener);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers JSON. */
export function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Answers the way Backstage's error middleware does. */
export function backstageError(
  res: ServerResponse,
  status: number,
  name: string,
  message: string,
) {
  json(res, status, {
    error: { name, message },
    request: { method: 'GET', url: '/' },
    response: { statusCode: status },
  });
}
