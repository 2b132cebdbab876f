import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ApiException } from '@kubernetes/client-node';

/**
 * What the backend knows about a failed Kubernetes call, kept on the mapped
 * error for the worker to tell the user a sentence and the logs the details.
 */
export interface KubernetesFailure {
  cluster: string;
  /** e.g. `apply LimitRange payments-dev/cluster-access-defaults`. */
  operation: string;
  /** HTTP status; undefined when the cluster could not be reached. */
  code?: number;
  reason?: string;
  /** From `Retry-After` (or the Status's retryAfterSeconds), when the cluster sent one. */
  retryAfterMs?: number;
}

const FAILURE = Symbol('kubernetesFailure');

/** The Kubernetes failure behind an error, if it came from a cluster. */
export function kubernetesFailureOf(
  error: unknown,
): KubernetesFailure | undefined {
  return (error as { [FAILURE]?: KubernetesFailure } | undefined)?.[FAILURE];
}

/**
 * The cluster asked us to slow down (429 from API Priority and Fairness) for
 * longer than the client waits by itself. The worker tries again after
 * `retryAfterMs` instead of its own backoff.
 */
export class ClusterBusyError extends ServiceUnavailableError {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
  }
}

/**
 * The namespace of this name is still being deleted (Terminating): it can be
 * made again once Kubernetes has finished, so the worker checks back soon.
 */
export class NamespaceTerminatingError extends ServiceUnavailableError {
  readonly retryAfterMs = 15_000;
}

function statusOf(error: ApiException<unknown>): {
  reason?: string;
  message?: string;
  details?: { retryAfterSeconds?: number };
  metadata?: { continue?: string };
} {
  const body =
    typeof error.body === 'string'
      ? (() => {
          try {
            return JSON.parse(error.body as string);
          } catch {
            return { message: error.body };
          }
        })()
      : error.body;
  return (body ?? {}) as ReturnType<typeof statusOf>;
}

/** The reason of a Kubernetes Status, e.g. `AlreadyExists`. */
export function reasonOf(error: unknown): string | undefined {
  return error instanceof ApiException ? statusOf(error).reason : undefined;
}

/** How long the server asked us to wait: `Retry-After` (seconds or a date), else the Status. */
export function retryAfterMsOf(
  error: unknown,
  now = Date.now(),
): number | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const headers = (error.headers ?? {}) as Record<string, string | undefined>;
  const header =
    headers['retry-after'] ??
    Object.entries(headers).find(
      ([k]) => k.toLowerCase() === 'retry-after',
    )?.[1];
  if (header !== undefined) {
    if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const seconds = statusOf(error).details?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
}

/**
 * Maps a client-node failure to an `@backstage/errors` type whose message
 * names the cluster, the operation and the API server's own reason, for the
 * logs; the failure itself is kept for {@link kubernetesFailureOf}. Never
 * includes request headers (which carry the token).
 */
export function mapKubernetesError(
  cluster: string,
  operation: string,
  error: unknown,
): Error {
  let mapped: Error;
  const failure: KubernetesFailure = { cluster, operation };
  if (error instanceof ApiException) {
    const status = statusOf(error);
    failure.code = error.code;
    failure.reason = status.reason;
    failure.retryAfterMs = retryAfterMsOf(error);
    const text = `cluster ${cluster}: ${operation} failed with ${error.code}${
      status.reason ? ` ${status.reason}` : ''
    }: ${status.message ?? 'no message'}`;
    if (error.code === 429) {
      mapped = new ClusterBusyError(text, failure.retryAfterMs ?? 1000);
    } else if (error.code === 409) mapped = new ConflictError(text);
    else if (error.code === 400 || error.code === 422)
      mapped = new InputError(text);
    else mapped = new ServiceUnavailableError(text);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    mapped = new ServiceUnavailableError(
      `cluster ${cluster}: ${operation} failed: ${message}`,
    );
  }
  Object.defineProperty(mapped, FAILURE, { value: failure, enumerable: false });
  return mapped;
}

/** A 410 Gone: the continue token of a paged list expired (etcd compaction). */
export function isExpiredContinue(error: unknown): boolean {
  return error instanceof ApiException && error.code === 410;
}
