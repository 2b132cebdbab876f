import type {
  CertificateIdentity,
  IssuedCertificate,
} from '@cluster-access/plugin-cluster-access-common';
import { z } from 'zod';
import { CliError } from './errors';

const identitySchema = z.object({
  username: z.string().min(1),
  groups: z.array(z.string()),
  defaultTtlSeconds: z.number(),
  maxTtlSeconds: z.number(),
});

const issuedSchema = z.object({
  certificate: z.string().min(1),
  caChain: z.array(z.string()),
  serialNumber: z.string().min(1),
  expiresAt: z.string(),
  username: z.string().min(1),
  groups: z.array(z.string()),
  clusters: z.array(
    z.object({
      name: z.string().min(1),
      title: z.string().optional(),
      server: z.string().min(1),
      certificateAuthorityData: z.string().optional(),
    }),
  ),
  warnings: z.array(z.string()).default([]),
});

const revokedSchema = z.object({ serialNumber: z.string() });

/** Backstage's error body: `{ error: { name, message }, response: {...} }`. */
const errorBodySchema = z.object({
  error: z.object({ name: z.string().optional(), message: z.string() }),
});

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
 * The two calls the CLI makes to the Cluster Access backend, with every
 * failure turned into a {@link CliError} that says what to do.
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
    return this.call('GET', '/identity', undefined, identitySchema);
  }

  /** `POST /certificates`: signs a CSR made on this machine. */
  async issueCertificate(request: {
    csr: string;
    ttlSeconds?: number;
  }): Promise<IssuedCertificate> {
    return this.call('POST', '/certificates', request, issuedSchema);
  }

  /**
   * `POST /certificates/:serial/revoke`: revokes one of the caller's own
   * certificates in Vault and the portal's records.
   */
  async revokeCertificate(serialNumber: string): Promise<void> {
    await this.call(
      'POST',
      `/certificates/${encodeURIComponent(serialNumber)}/revoke`,
      undefined,
      revokedSchema,
      `Backstage at ${this.options.backendUrl} has no certificate ${serialNumber} of yours to revoke (404)`,
    );
  }

  private async call<T>(
    method: string,
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    notFound?: string,
  ): Promise<T> {
    const { backendUrl, token, timeoutMs = 60_000 } = this.options;
    const doFetch = this.options.fetch ?? fetch;
    const url = `${backendUrl}/api/cluster-access${path}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect could carry the token to another host.
        redirect: 'error',
      });
    } catch (e) {
      const error = e as Error & {
        cause?: { code?: string; message?: string };
      };
      // fetch says "fetch failed"; the cause says why (ECONNREFUSED, a
      // redirect, a certificate problem).
      const reason =
        error.name === 'TimeoutError'
          ? `no answer within ${Math.round(timeoutMs / 1000)}s`
          : error.cause?.code ?? error.cause?.message ?? error.message;
      const untrusted =
        /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(reason)
          ? '. Its TLS certificate is not trusted here: give the CA that signed it with --certificate-authority FILE (or CLUSTER_ACCESS_CERTIFICATE_AUTHORITY)'
          : '';
      throw new CliError(
        `Could not reach Backstage at ${backendUrl}: ${reason}${untrusted}`,
      );
    }

    const text = await response.text();
    const isJson = /\bjson\b/.test(response.headers.get('content-type') ?? '');
    let json: unknown;
    if (isJson) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(json);
      if (response.status === 404 && notFound && parsed.success) {
        throw new CliError(notFound);
      }
      throw new CliError(
        describeFailure({
          status: response.status,
          message: parsed.success ? parsed.data.error.message : undefined,
          backendUrl,
        }),
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new CliError(
        `${url} did not answer like the Cluster Access API${
          isJson ? '' : ' (no JSON)'
        }: is --backend-url the Backstage backend (for example :7007), not the app?`,
      );
    }
    return parsed.data;
  }
}
