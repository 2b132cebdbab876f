import { ServiceUnavailableError } from '@backstage/errors';
import { BadGatewayError } from '../../lib/errors';

/**
 * A Vault answer with an HTTP error status, reduced to what is safe to keep:
 * the status and Vault's own error strings. The raw client error is dropped
 * because it carries the request, including the `X-Vault-Token` header.
 */
export class VaultResponseError extends Error {
  name = 'VaultResponseError';
  constructor(readonly status: number, readonly vaultErrors: string[]) {
    super(
      `Vault answered ${status}${
        vaultErrors.length ? `: ${vaultErrors.join('; ')}` : ''
      }`,
    );
  }
}

/**
 * Vault could not be reached or did not answer in time. The message names
 * Vault's address, for operators' logs; `reason` leaves it out, for users.
 */
export class VaultUnreachableError extends Error {
  name = 'VaultUnreachableError';
  constructor(readonly reason: string, address: string) {
    super(`Vault at ${address} ${reason}`);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

// Vault wraps messages as "1 error occurred:\n\t* permission denied\n\n".
function cleanVaultMessage(message: string): string {
  const items = message
    .split('\n')
    .map(line => line.replace(/^\s*\*\s*/, '').trim())
    .filter(line => line && !/^\d+ errors? occurred:?$/.test(line));
  return items.join('; ');
}

/**
 * Turns whatever node-vault rejected with into a {@link VaultResponseError}
 * or {@link VaultUnreachableError}, without keeping the original error.
 */
export function normalizeVaultError(
  error: unknown,
  context: { address: string; timeoutMs: number },
): Error {
  if (
    error instanceof VaultResponseError ||
    error instanceof VaultUnreachableError
  ) {
    return error;
  }
  const e = error as {
    response?: { statusCode?: unknown; body?: unknown };
    code?: unknown;
    message?: unknown;
  };
  const status = e?.response?.statusCode;
  if (typeof status === 'number') {
    const body = e.response?.body as { errors?: unknown } | undefined;
    const errors = Array.isArray(body?.errors)
      ? body!.errors
          .filter((m): m is string => typeof m === 'string')
          .map(cleanVaultMessage)
          .filter(Boolean)
      : [];
    return new VaultResponseError(status, errors);
  }
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new VaultUnreachableError(
      `did not answer within ${context.timeoutMs}ms`,
      context.address,
    );
  }
  if (code && NETWORK_CODES.has(code)) {
    return new VaultUnreachableError(
      `is unreachable (${code})`,
      context.address,
    );
  }
  // Anything else (a parse error, an unexpected exception in the client) is
  // still a failure to talk to Vault; name the type only, never the request.
  return new VaultUnreachableError(
    `failed to answer (${code ?? (error as Error)?.name ?? 'unknown error'})`,
    context.address,
  );
}

/** Options for {@link toBackstageError}. */
export interface VaultErrorContext {
  /** What the backend was doing, for the message: "sign the certificate". */
  action: string;
  /** Maps a Vault 400 when it is the caller's fault (e.g. a CSR Vault refuses). */
  badRequest?: (message: string) => Error;
}

/**
 * Maps a normalised Vault failure to the `@backstage/errors` the HTTP API
 * answers with: unreachable, sealed, overloaded or failing Vault → 503;
 * refused by policy → 502 with an operator-facing message; a 400 the caller
 * caused → whatever `badRequest` makes of it, otherwise 502. The messages
 * reach users, so they never name Vault's address (the client logs it).
 */
export function toBackstageError(
  error: Error,
  context: VaultErrorContext,
): Error {
  if (error instanceof VaultUnreachableError) {
    return new ServiceUnavailableError(
      `Certificate issuance is unavailable: Vault ${error.reason} while trying to ${context.action}`,
    );
  }
  if (!(error instanceof VaultResponseError)) {
    return error;
  }
  const detail = error.vaultErrors.join('; ');
  const { status } = error;
  if (status === 503 && /sealed/i.test(detail)) {
    return new ServiceUnavailableError(
      `Certificate issuance is unavailable: Vault is sealed (while trying to ${context.action})`,
    );
  }
  if (status >= 500 || status === 429) {
    return new ServiceUnavailableError(
      `Certificate issuance is unavailable: Vault answered ${status}${
        detail ? ` (${detail})` : ''
      } while trying to ${context.action}`,
    );
  }
  if (status === 403) {
    return new BadGatewayError(
      `Vault refused to ${context.action} (403 ${
        detail || 'permission denied'
      }): check the Vault policy and login of the Backstage backend`,
    );
  }
  if (status === 400 && context.badRequest) {
    return context.badRequest(detail || 'bad request');
  }
  return new BadGatewayError(
    `Vault answered ${status}${detail ? ` (${detail})` : ''} when asked to ${
      context.action
    }`,
  );
}

/**
 * Runs one Vault call with a deadline on the whole call (node-vault's own
 * timeout only bounds socket inactivity) and maps any failure through
 * {@link normalizeVaultError}, so raw client errors, which carry the token
 * header, never escape.
 */
export async function callVault<T>(
  fn: () => Promise<T>,
  options: { address: string; timeoutMs: number },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject({ code: 'ECONNABORTED' }),
          options.timeoutMs,
        );
      }),
    ]);
  } catch (e) {
    throw normalizeVaultError(e, options);
  } finally {
    clearTimeout(timer);
  }
}
