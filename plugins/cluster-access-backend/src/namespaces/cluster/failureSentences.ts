import {
  ClusterBusyError,
  kubernetesFailureOf,
  NamespaceTerminatingError,
} from './clusterFailures';

/**
 * Errors this plugin raises itself with a message written for the people who
 * requested the namespace (a tier or Group that is gone, a name taken by
 * someone else). Anything else may carry operator internals.
 */
const OWN_ERRORS = new Set([
  'NotFoundError',
  'ConflictError',
  'ServiceUnavailableError',
  'InputError',
]);

/** `30 seconds`, `2 minutes`, `1 hour`. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/** `the LimitRange cluster-access-defaults` from `apply LimitRange ns/cluster-access-defaults`. */
function objectOf(operation: string): { verb: string; what: string } {
  const m = /^(\w+) (\w+)(?: (?:[^/\s]+\/)?(\S+))?$/.exec(operation);
  if (!m) return { verb: 'change', what: 'an object' };
  const [, verb, kind, name] = m;
  return { verb, what: name ? `the ${kind} ${name}` : `${kind} objects` };
}

/**
 * A sentence for the public history (and the request's error) about a failed
 * attempt: what happened, in words a requester understands, and when the
 * next attempt is. Cluster URLs, the API server's own texts and stack traces
 * stay out of it; they go to the backend's logs.
 */
export function failureSentence(error: unknown, retryInMs: number): string {
  const retry = `Trying again in ${humanDuration(retryInMs)}.`;
  if (error instanceof NamespaceTerminatingError) {
    return `${error.message}. Checking again in ${humanDuration(retryInMs)}.`;
  }
  const failure = kubernetesFailureOf(error);
  if (failure) {
    const { verb, what } = objectOf(failure.operation);
    const cluster = `cluster ${failure.cluster}`;
    if (error instanceof ClusterBusyError || failure.code === 429) {
      return `The ${cluster} is busy and asked Cluster Access to slow down. ${retry}`;
    }
    switch (failure.code) {
      case 400:
      case 422:
        return `The ${cluster} refused ${what}; operators can find its reason in the backend logs. ${retry}`;
      case 401:
      case 403:
        return `Cluster Access is not allowed to ${verb} ${what} on the ${cluster}; operators must check its access to that cluster. ${retry}`;
      case 409:
        return `The ${cluster} reported a conflict on ${what}. ${retry}`;
      default:
        return `The ${cluster} could not be reached or failed to ${verb} ${what}. ${retry}`;
    }
  }
  if (error instanceof Error && OWN_ERRORS.has(error.name)) {
    return `${error.message.replace(/[.;]?\s*$/, '')}. ${retry}`;
  }
  return `Something unexpected stopped this attempt; operators can find the details in the backend logs. ${retry}`;
}

/** How long to wait before the next attempt when the error says so itself. */
export function requestedWaitMs(error: unknown): number | undefined {
  if (error instanceof ClusterBusyError) return error.retryAfterMs;
  if (error instanceof NamespaceTerminatingError) return error.retryAfterMs;
  return kubernetesFailureOf(error)?.retryAfterMs;
}
