/**
 * Error type carrying the HTTP status and the `errors` array of Vault's error body.
 *
 * Vault renders two kinds of error text: a backend's `logical.ErrorResponse` is passed through
 * as-is (`{"errors":["unknown role: foo"]}`), while errors raised by the request pipeline itself
 * (ACL failures, bad tokens, internal errors) are wrapped by go-multierror, which is why the
 * permission-denied text has its odd `1 error occurred:` framing.
 */
export class VaultHttpError extends Error {
  readonly status: number;
  readonly errors: string[];

  constructor(status: number, errors: string[]) {
    super(errors[0] ?? `status ${status}`);
    this.name = 'VaultHttpError';
    this.status = status;
    this.errors = errors;
  }
}

/** Formats a message the way go-multierror does for a single error. */
export function multiErrorText(message: string): string {
  return `1 error occurred:\n\t* ${message}\n\n`;
}

/** 400 with a plain backend message, like `logical.ErrorResponse`. */
export function badRequest(message: string): VaultHttpError {
  return new VaultHttpError(400, [message]);
}

/** 403 from the ACL or token check, with Vault's multierror text. */
export function permissionDenied(): VaultHttpError {
  return new VaultHttpError(403, [multiErrorText('permission denied')]);
}

/** 403 returned by an auth method's login handler (`logical.ErrPermissionDenied`). */
export function loginDenied(message = 'permission denied'): VaultHttpError {
  return new VaultHttpError(403, [message]);
}

/** 404 for a path no handler serves, with the multierror text of `logical.ErrUnsupportedPath`. */
export function unsupportedPath(): VaultHttpError {
  return new VaultHttpError(404, [multiErrorText('unsupported path')]);
}

/** 405 for a known path that does not support the operation. */
export function unsupportedOperation(): VaultHttpError {
  return new VaultHttpError(405, [multiErrorText('unsupported operation')]);
}

/** 500 with a backend message wrapped like Vault wraps non-coded backend errors. */
export function internalError(message: string): VaultHttpError {
  return new VaultHttpError(500, [multiErrorText(message)]);
}
