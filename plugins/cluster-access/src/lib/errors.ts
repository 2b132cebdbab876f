import { ResponseError } from '@backstage/errors';

/**
 * A title for an error panel that says what went wrong in the user's terms,
 * from the backend's status codes; the panel's details keep the raw error.
 */
export function describeError(error: Error): string {
  if (!ResponseError.is(error)) {
    return error.message;
  }
  switch (error.statusCode) {
    case 400:
      // The backend names the problem (e.g. which subject attribute is wrong).
      return `The request was refused: ${error.cause.message}`;
    case 401:
      return 'You need to sign in to get cluster access.';
    case 403:
      return 'You are not allowed to get cluster access on this portal.';
    case 502:
      return 'Vault refused to sign the certificate. The portal’s Vault setup needs attention: please tell the platform team.';
    case 503:
      return 'Vault is unavailable (or not set up on this portal), so no certificate can be issued right now. Please try again in a few minutes.';
    default:
      return error.message;
  }
}

/**
 * A title for an error panel about namespace requests, namespaces and their
 * members. The backend's messages already say what is wrong in the user's
 * terms (a taken name, someone else's request, a missing membership), so
 * they are shown as they are, after what kind of refusal it was.
 */
export function describeNamespaceError(error: Error): string {
  if (!ResponseError.is(error)) {
    return error.message;
  }
  const message = error.cause.message;
  switch (error.statusCode) {
    case 400:
      return `The request was refused: ${message}`;
    case 401:
      return 'You need to sign in first.';
    case 403:
      return `Not allowed: ${message}`;
    case 404:
      return `Not found: ${message}`;
    case 409:
      return `Conflict: ${message}`;
    case 503:
      return `The cluster could not be reached, please try again later: ${message}`;
    default:
      return error.message;
  }
}
