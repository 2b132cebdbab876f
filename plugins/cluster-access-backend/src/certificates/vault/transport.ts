import http from 'node:http';
import https from 'node:https';

/** One request as node-vault hands it to its `request-promise` option. */
interface TransportRequest {
  method: string;
  uri: string;
  headers?: Record<string, string>;
  /** The JSON body; `true` (node-vault's default) means none. */
  json?: unknown;
  /** Socket inactivity timeout, in milliseconds. */
  timeout?: number;
  /** Set on the one resend after a reused connection was found closed. */
  retriedStaleSocket?: boolean;
}

/** The response shape node-vault's response handling reads. */
interface TransportResponse {
  statusCode: number;
  body: unknown;
  request: { path: string };
}

// Vault's standbys answer 307 to the active node when they do not forward.
const REDIRECTS = new Set([307, 308]);
const MAX_REDIRECTS = 5;

/** One request, following redirects; resolves with any status. */
function send(
  agents: { http: http.Agent; https?: https.Agent },
  url: URL,
  request: TransportRequest,
  body: string | undefined,
  hops: number,
): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request(
      url,
      {
        method: request.method,
        agent: secure ? agents.https : agents.http,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
          ...(body === undefined
            ? {}
            : { 'content-length': Buffer.byteLength(body) }),
        },
      },
      res => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (REDIRECTS.has(status) && location && hops < MAX_REDIRECTS) {
          res.resume();
          send(agents, new URL(location, url), request, body, hops + 1).then(
            resolve,
            reject,
          );
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : text;
          } catch {
            // Not JSON (a PEM): the text, as axios leaves it.
          }
          resolve({
            statusCode: status,
            body: parsed,
            request: { path: url.pathname },
          });
        });
      },
    );
    // Counted from when the socket is connected (as axios does), not from
    // now: a request made during a long synchronous start-up would time
    // out the moment it got its socket.
    if (request.timeout) req.setTimeout(request.timeout);
    req.on('timeout', () =>
      req.destroy(
        Object.assign(new Error('Vault did not answer in time'), {
          code: 'ECONNABORTED',
        }),
      ),
    );
    req.on('error', error => {
      // A keep-alive connection the server closed as idle, just as this
      // request went out on it: the server never read the request, so it
      // is sent again once on a new connection (Node's documented pattern;
      // Go's client, Vault's own, does the same).
      if (
        req.reusedSocket &&
        (error as NodeJS.ErrnoException).code === 'ECONNRESET' &&
        !request.retriedStaleSocket
      ) {
        send(
          agents,
          url,
          { ...request, retriedStaleSocket: true },
          body,
          hops,
        ).then(resolve, reject);
        return;
      }
      reject(error);
    });
    req.end(body);
  });
}

/**
 * The HTTP transport of the backend's node-vault client, given through
 * node-vault's `request-promise` option: node:http with keep-alive agents.
 * node-vault's own transport, axios with follow-redirects, cost about 1 ms
 * of CPU per call more in the issuance benchmark's profile (merging its
 * config, its header objects and the redirect wrapper on every request),
 * most of what the backend spends on a Vault call. Bodies are JSON both
 * ways, as axios sends and parses them for node-vault (a body that is not
 * JSON, such as `ca/pem`, stays text); 307 and 308 are followed with the
 * same method and body, as Vault's own client does.
 */
export function createVaultTransport(options: {
  /** PEM CA bundle for an https Vault; the system's CAs when unset. */
  ca?: string;
}) {
  const agents: { http: http.Agent; https?: https.Agent } = {
    http: new http.Agent({ keepAlive: true }),
  };

  const transport = (request: TransportRequest) =>
    send(
      agents,
      new URL(request.uri),
      request,
      request.json && typeof request.json === 'object'
        ? JSON.stringify(request.json)
        : undefined,
      0,
    );
  return {
    /**
     * node-vault calls this once with its defaults; strictSSL is false when
     * VAULT_SKIP_VERIFY is set, which node-vault honours and so do we.
     */
    defaults: (defaults: { strictSSL?: boolean }) => {
      agents.https = new https.Agent({
        keepAlive: true,
        ...(options.ca ? { ca: options.ca } : {}),
        rejectUnauthorized: defaults.strictSSL !== false,
      });
      return transport;
    },
    /** Closes idle keep-alive connections. */
    close: () => {
      agents.http.destroy();
      agents.https?.destroy();
    },
  };
}
