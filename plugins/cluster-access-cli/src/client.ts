import type {
  CertificateIdentity,
  ClusterAccessHttpClient,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';
import { loadCommon } from './common';
import { CliError } from './errors';

/** Backstage's error body: `{ error: { name, message }, response: {...} }`. */
function errorMessage(json: unknown): string | undefined {
  const message = (json as { error?: { message?: unknown } } | undefined)?.error
    ?.message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * Options of {@link ClusterAccessClient}.
 *
 * @public
 */
export interface ClusterAccessClientOptions {
  /** Normalised backend base URL. */
  backendUrl: string;
  /** A Backstage user token; sent only to `backendUrl`. */
  token: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per request; defaults to 60 s (Vault may be slow to sign). */
  timeoutMs?: number;
}

/**
 * The message for a failed call, in the user's terms, with the backend's own
 * words where they help.
 */
function describeFailure(options: {
  status: number;
  message?: string;
  backendUrl: string;
}): string {
  const { status, message, backendUrl } = options;
  const detail = message ? ` (${message})` : '';
  switch (status) {
    case 400:
      return `Backstage refused the request: ${message ?? 'bad request'}`;
    case 401:
      return `Backstage at ${backendUrl} did not accept your sign-in (401)${detail}. Sign in again with: backstage-cli auth login --backend-url ${backendUrl}`;
    case 403:
      return `You are not allowed to get cluster access from ${backendUrl} (403)${detail}. Ask your platform team if you think you should be.`;
    case 404:
      return `${backendUrl} has no Cluster Access API (404): is --backend-url the Backstage backend, with the cluster-access plugin installed?`;
    case 502:
      return `Vault refused to sign the certificate (502)${detail}. The portal's Vault setup needs attention: please tell the platform team.`;
    case 503:
      return `Vault is unavailable, so no certificate can be issued right now (503)${detail}. Try again in a few minutes.`;
    default:
      return `Backstage answered ${status}${detail}`;
  }
}

/**
 * The calls the CLI makes to the Cluster Access backend, through the client
 * generated from its `openapi.yaml`, with every failure turned into a
 * {@link CliError} that says what to do.
 *
 * @public
 */
export class ClusterAccessClient {
  private readonly options: ClusterAccessClientOptions;

  constructor(options: ClusterAccessClientOptions) {
    this.options = options;
  }

  /** `GET /identity`: the username and groups a certificate must carry. */
  async getIdentity(): Promise<CertificateIdentity> {
    return this.call(client => client.GET('/identity'));
  }

  /** `POST /certificates`: signs a CSR made on this machine. */
  async issueCertificate(request: {
    csr: string;
    ttlSeconds?: number;
  }): Promise<IssuedCertificate> {
    return this.call(client => client.POST('/certificates', { body: request }));
  }

  /**
   * `POST /certificates/:serial/revoke`: revokes one of the caller's own
   * certificates in Vault and the portal's records.
   */
  async revokeCertificate(serialNumber: string): Promise<void> {
    await this.call(
      client =>
        client.POST('/certificates/{serial}/revoke', {
          params: { path: { serial: serialNumber } },
        }),
      `Backstage at ${this.options.backendUrl} has no certificate ${serialNumber} of yours to revoke (404)`,
    );
  }

  private async call<T>(
    send: (
      client: ClusterAccessHttpClient,
    ) => Promise<{ data?: T; response: Response }>,
    notFound?: string,
  ): Promise<T> {
    const { backendUrl, token } = this.options;
    const url = `${backendUrl}/api/cluster-access`;
    // The common package is loaded here, not at start-up (see common.ts).
    const client = loadCommon().createClusterAccessHttpClient({
      baseUrl: url,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      fetch: request => this.send(request, notFound),
    });
    let result: { data?: T; response: Response };
    try {
      result = await send(client);
    } catch (e) {
      if (e instanceof CliError) throw e;
      // openapi-fetch could not parse the JSON it was promised.
      throw notTheApi(url, true);
    }
    if (result.data === undefined) throw notTheApi(url, true);
    return result.data;
  }

  /**
   * Sends one request of the generated client: with a timeout, never
   * following a redirect, and turning every failure into a CliError before
   * the client sees it.
   */
  private async send(request: Request, notFound?: string): Promise<Response> {
    const { backendUrl, timeoutMs = 60_000 } = this.options;
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      // As (url, init): the fetch given may be undici's (a private CA),
      // which does not take the global Request class.
      response = await doFetch(request.url, {
        method: request.method,
        headers: Object.fromEntries(request.headers),
        body: request.body ? await request.text() : undefined,
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect could carry the token to another host.
        redirect: 'error',
      });
    } catch (e) {
      throw unreachable(e, backendUrl, timeoutMs);
    }
    const isJson = /\bjson\b/.test(response.headers.get('content-type') ?? '');
    if (response.ok) {
      if (!isJson) throw notTheApi(request.url, false);
      return response;
    }
    let json: unknown;
    try {
      json = isJson ? JSON.parse(await response.text()) : undefined;
    } catch {
      json = undefined;
    }
    const message = errorMessage(json);
    if (response.status === 404 && notFound && message !== undefined) {
      throw new CliError(notFound);
    }
    throw new CliError(
      describeFailure({ status: response.status, message, backendUrl }),
    );
  }
}

function notTheApi(url: string, isJson: boolean): CliError {
  return new CliError(
    `${url} did not answer like the Cluster Access API${
      isJson ? '' : ' (no JSON)'
    }: is --backend-url the Backstage backend (for example :7007), not the app?`,
  );
}

/** fetch says "fetch failed"; the cause says why (ECONNREFUSED, a redirect, a certificate problem). */
function unreachable(e: unknown, backendUrl: string, timeoutMs: number) {
  const error = e as Error & { cause?: { code?: string; message?: string } };
  const reason =
    error.name === 'TimeoutError'
      ? `no answer within ${Math.round(timeoutMs / 1000)}s`
      : error.cause?.code ?? error.cause?.message ?? error.message;
  const untrusted =
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(reason)
      ? '. Its TLS certificate is not trusted here: give the CA that signed it with --certificate-authority FILE (or CLUSTER_ACCESS_CERTIFICATE_AUTHORITY)'
      : '';
  return new CliError(
    `Could not reach Backstage at ${backendUrl}: ${reason}${untrusted}`,
  );
}
