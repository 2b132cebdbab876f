import http, { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import https from 'node:https';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { VaultEngine } from './engine';
import { multiErrorText, VaultHttpError } from './errors';
import { Body } from './fields';
import { newServiceToken } from './ids';
import { SEAL_EXEMPT_PATHS } from './sys';
import type { PeerLogger } from './types';

/** Options of {@link startVaultPeer}. */
export interface VaultPeerOptions {
  /** Interface to listen on; defaults to 127.0.0.1. */
  host?: string;
  /** Port to listen on; defaults to 0 (a free port). */
  port?: number;
  /** Root token to create; defaults to a random `hvs.` token, like `vault server -dev`. */
  rootToken?: string;
  /** Receives one line per request and notable events; never tokens or keys. */
  logger?: PeerLogger;
  /** Serve HTTPS with this PEM certificate and key instead of plain HTTP. */
  tls?: { cert: string; key: string };
}

/** Options of {@link VaultPeer.failNext}. */
export interface FailNextOptions {
  /** HTTP status to answer with; defaults to 500. */
  status?: number;
  /** Error message placed in Vault's `{"errors":[...]}` body. */
  message?: string;
  /** Only requests whose URL path (e.g. `/v1/pki/sign-verbatim/role`) matches count and fail. */
  path?: RegExp;
}

/**
 * A running Vault peer plus the fault switches tests use. The same switches are reachable from
 * other processes at `POST {url}/_peer/{seal,unseal,reset,delay,fail-next}` and
 * `GET {url}/_peer/request-counts`, with the root token in `X-Vault-Token`; `fail-next` takes
 * `{ n, status?, message?, path? }` with `path` as a regular-expression source.
 */
export interface VaultPeer {
  /** Base URL (`http://127.0.0.1:PORT`), what `VAULT_ADDR` would hold. */
  url: string;
  rootToken: string;
  /** The unseal key accepted by `PUT /v1/sys/unseal`. */
  unsealKey: string;
  close(): Promise<void>;
  /** Seals the peer: everything but health/seal-status/unseal answers 503 `Vault is sealed`. */
  seal(): void;
  unseal(): void;
  /** Delays every response by `ms` milliseconds. */
  setDelay(ms: number): void;
  /** Fails the next `n` (matching) requests with the given status and message. */
  failNext(n: number, opts?: FailNextOptions): void;
  /** Requests seen so far, keyed by `METHOD /v1/path` (query strings excluded). */
  requestCounts(): Record<string, number>;
  /** Clears fault switches (seal, delay, pending failures) and request counts; keeps Vault data. */
  reset(): void;
}

interface FailRule extends Required<Pick<FailNextOptions, 'status'>> {
  remaining: number;
  message?: string;
  path?: RegExp;
}

interface PeerResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const noopLogger: PeerLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};

function jsonResponse(status: number, body: unknown): PeerResponse {
  return {
    status,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
    },
    body: Buffer.from(`${JSON.stringify(body)}\n`),
  };
}

function emptyResponse(status = 204): PeerResponse {
  return {
    status,
    headers: { 'Cache-Control': 'no-store' },
    body: Buffer.alloc(0),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new VaultHttpError(413, ['request body too large']));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tokenFrom(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const header = headers['x-vault-token'];
  const token = Array.isArray(header) ? header[0] : header;
  if (token) return token;
  const authorization = headers.authorization;
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = value ? /^Bearer\s+(.+)$/i.exec(value) : null;
  return match ? match[1].trim() : undefined;
}

/**
 * Starts an in-process, API-faithful stand-in for HashiCorp Vault 1.15 on 127.0.0.1.
 *
 * It answers under `/v1/` with Vault's envelope and error bodies, so Vault clients such as
 * `node-vault` work against it unchanged. State lives in memory.
 */
export async function startVaultPeer(
  options: VaultPeerOptions = {},
): Promise<VaultPeer> {
  const logger = options.logger ?? noopLogger;
  const rootToken = options.rootToken ?? newServiceToken();
  const engine = new VaultEngine({
    rootToken,
    logger,
    clusterName: `vault-cluster-${randomBytes(4).toString('hex')}`,
  });

  let delayMs = 0;
  let failRules: FailRule[] = [];
  let counts: Record<string, number> = {};

  const controls = {
    seal: () => {
      engine.sealed = true;
    },
    unseal: () => {
      engine.sealed = false;
    },
    setDelay: (ms: number) => {
      delayMs = Math.max(0, ms);
    },
    failNext: (n: number, opts: FailNextOptions = {}) => {
      if (n > 0) {
        failRules.push({
          remaining: n,
          status: opts.status ?? 500,
          message: opts.message,
          path: opts.path,
        });
      }
    },
    requestCounts: () => ({ ...counts }),
    reset: () => {
      engine.sealed = false;
      delayMs = 0;
      failRules = [];
      counts = {};
    },
  };

  /**
   * The fault switches over HTTP, outside `/v1/` so no Vault client ever reaches them, for tests
   * that drive the peer from another process. Guarded by the root token.
   */
  function adminRequest(
    method: string,
    url: URL,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): PeerResponse {
    if (tokenFrom(headers) !== rootToken) {
      return jsonResponse(403, { errors: ['permission denied'] });
    }
    let params: Record<string, unknown> = {};
    try {
      params = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
    } catch (e) {
      return jsonResponse(400, {
        errors: [`failed to parse JSON input: ${(e as Error).message}`],
      });
    }
    const action = `${method} ${url.pathname.slice('/_peer/'.length)}`;
    switch (action) {
      case 'POST seal':
        controls.seal();
        return emptyResponse();
      case 'POST unseal':
        controls.unseal();
        return emptyResponse();
      case 'POST reset':
        controls.reset();
        return emptyResponse();
      case 'POST delay':
        controls.setDelay(Number(params.ms ?? 0));
        return emptyResponse();
      case 'POST fail-next':
        controls.failNext(Number(params.n ?? 1), {
          status:
            params.status === undefined ? undefined : Number(params.status),
          message:
            typeof params.message === 'string' ? params.message : undefined,
          path:
            typeof params.path === 'string'
              ? new RegExp(params.path)
              : undefined,
        });
        return emptyResponse();
      case 'GET request-counts':
        return jsonResponse(200, controls.requestCounts());
      default:
        return jsonResponse(404, {
          errors: [`unknown peer admin action ${action}`],
        });
    }
  }

  async function handleRequest(input: {
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
    remoteAddress?: string;
  }): Promise<PeerResponse> {
    const method = input.method.toUpperCase();
    const url = new URL(input.url, 'http://vault.local');
    if (url.pathname.startsWith('/_peer/')) {
      return adminRequest(method, url, input.headers, input.body);
    }
    const countKey = `${method} ${url.pathname}`;
    counts[countKey] = (counts[countKey] ?? 0) + 1;

    if (delayMs > 0) {
      await new Promise(resolve => setTimeout(resolve, delayMs));
    }
    const rule = failRules.find(r => {
      if (r.remaining <= 0) return false;
      if (!r.path) return true;
      r.path.lastIndex = 0;
      return r.path.test(url.pathname);
    });
    if (rule) {
      rule.remaining -= 1;
      failRules = failRules.filter(r => r.remaining > 0);
      const message =
        rule.message ??
        (rule.status >= 500
          ? multiErrorText('internal error')
          : (STATUS_CODES[rule.status] ?? 'error').toLowerCase());
      logger.info(`${countKey} -> ${rule.status} (injected failure)`);
      return jsonResponse(rule.status, { errors: [message] });
    }

    if (!url.pathname.startsWith('/v1/')) {
      return jsonResponse(404, { errors: [] });
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname.slice('/v1/'.length));
    } catch {
      return jsonResponse(400, { errors: ['invalid URL path encoding'] });
    }
    const trimmed = path.replace(/\/+$/, '');
    if (engine.sealed && !SEAL_EXEMPT_PATHS.includes(trimmed)) {
      return jsonResponse(503, { errors: ['Vault is sealed'] });
    }

    let body: Body = {};
    if (input.body.length > 0 && !['GET', 'HEAD'].includes(method)) {
      try {
        const parsed = JSON.parse(input.body.toString('utf8'));
        if (
          parsed !== null &&
          typeof parsed === 'object' &&
          !Array.isArray(parsed)
        ) {
          body = parsed as Body;
        } else if (parsed !== null) {
          throw new Error('expected a JSON object');
        }
      } catch (e) {
        return jsonResponse(400, {
          errors: [`failed to parse JSON input: ${(e as Error).message}`],
        });
      }
    }
    if (['GET', 'HEAD', 'LIST', 'DELETE'].includes(method)) {
      // Vault passes query parameters of reads, lists and deletes to the backend as data.
      for (const [key, value] of url.searchParams) {
        if (body[key] === undefined) body[key] = value;
      }
    }

    try {
      const { op, result, mountType } = await engine.handle({
        method,
        path,
        query: url.searchParams,
        body,
        token: tokenFrom(input.headers),
        remoteAddress: input.remoteAddress,
      });
      let response: PeerResponse;
      if (result === null) {
        response =
          op === 'read' || op === 'list'
            ? jsonResponse(404, { errors: [] })
            : emptyResponse();
      } else if (result.json) {
        response = jsonResponse(result.json.status, result.json.body);
      } else if (result.raw) {
        const status = result.raw.status ?? 200;
        response =
          status === 204
            ? emptyResponse()
            : {
                status,
                headers: { 'Content-Type': result.raw.contentType },
                body: Buffer.from(result.raw.body),
              };
      } else {
        const warnings =
          result.warnings && result.warnings.length > 0
            ? result.warnings
            : null;
        if (result.data === undefined && !result.auth && !warnings) {
          response = emptyResponse();
        } else {
          const envelope: Record<string, unknown> = {
            request_id: randomUUID(),
            lease_id: '',
            renewable: false,
            lease_duration: 0,
            data: result.data ?? null,
            wrap_info: null,
            warnings,
            auth: result.auth ?? null,
            mount_type: mountType,
          };
          response = jsonResponse(
            result.status ?? 200,
            result.topLevel && result.data
              ? { ...result.data, ...envelope }
              : envelope,
          );
        }
      }
      logger.info(`${countKey} -> ${response.status}`);
      return response;
    } catch (e) {
      if (e instanceof VaultHttpError) {
        logger.info(`${countKey} -> ${e.status}`);
        return jsonResponse(e.status, { errors: e.errors });
      }
      logger.error(`${countKey} failed: ${(e as Error).stack ?? String(e)}`);
      return jsonResponse(500, { errors: [multiErrorText('internal error')] });
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then(body =>
        handleRequest({
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          body,
          remoteAddress: req.socket.remoteAddress,
        }),
      )
      .catch(e =>
        e instanceof VaultHttpError
          ? jsonResponse(e.status, { errors: e.errors })
          : jsonResponse(500, { errors: [multiErrorText('internal error')] }),
      )
      .then(response => {
        res.writeHead(response.status, {
          ...response.headers,
          'Content-Length': String(response.body.length),
        });
        res.end(req.method === 'HEAD' ? undefined : response.body);
      });
  };

  const server = options.tls
    ? https.createServer(
        { cert: options.tls.cert, key: options.tls.key },
        onRequest,
      )
    : http.createServer(onRequest);

  // Node's HTTP parser only knows the standard methods, but Vault clients (node-vault's
  // `list`, the vault CLI) send `LIST`. Such a request surfaces as a parse error carrying the
  // raw bytes; it is answered here and the connection closed.
  server.on(
    'clientError',
    (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
      const raw = err.rawPacket?.toString('latin1') ?? '';
      if (
        err.code === 'HPE_INVALID_METHOD' &&
        raw.startsWith('LIST ') &&
        socket.writable
      ) {
        const headerEnd = raw.indexOf('\r\n\r\n');
        if (headerEnd > 0) {
          const [requestLine, ...headerLines] = raw
            .slice(0, headerEnd)
            .split('\r\n');
          const headers: Record<string, string> = {};
          for (const line of headerLines) {
            const index = line.indexOf(':');
            if (index > 0)
              headers[line.slice(0, index).trim().toLowerCase()] = line
                .slice(index + 1)
                .trim();
          }
          const length = parseInt(headers['content-length'] ?? '0', 10) || 0;
          const body = Buffer.from(
            raw.slice(headerEnd + 4, headerEnd + 4 + length),
            'latin1',
          );
          handleRequest({
            method: 'LIST',
            url: requestLine.split(' ')[1] ?? '/',
            headers,
            body,
            remoteAddress: socket.remoteAddress,
          })
            .then(response => {
              const head = [
                `HTTP/1.1 ${response.status} ${
                  STATUS_CODES[response.status] ?? ''
                }`,
                ...Object.entries(response.headers).map(
                  ([k, v]) => `${k}: ${v}`,
                ),
                `Content-Length: ${response.body.length}`,
                'Connection: close',
                '',
                '',
              ].join('\r\n');
              socket.end(
                Buffer.concat([Buffer.from(head, 'latin1'), response.body]),
              );
            })
            .catch(() => socket.destroy());
          return;
        }
      }
      if (socket.writable && err.code !== 'ECONNRESET') {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      } else {
        socket.destroy();
      }
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host =
    address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
  logger.info(`Vault peer listening on ${url}`);

  return {
    url,
    rootToken,
    unsealKey: engine.unsealKey,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(err => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    ...controls,
  };
}
