import {
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';

const byStatus: Record<number, new (message: string) => Error> = {
  400: InputError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
};

/**
 * The error a failed Cluster Access call ends the step with: one line with
 * the backend's reason. The scaffolder writes a failed step's `error.stack`
 * into the task log the user reads, so the stack is that one line too: the
 * user needs the reason (not a member, tier not allowed, name taken), not
 * where in this module it was thrown.
 */
export function stepFailure(error: unknown): Error {
  let failure: Error;
  if (error instanceof ResponseError) {
    const status = error.response.status;
    const reason = oneLine(error.body?.error?.message ?? error.message);
    const Type = byStatus[status] ?? ServiceUnavailableError;
    failure = new Type(
      status === 403
        ? `Cluster Access refused: ${reason}`
        : `Cluster Access answered ${status}: ${reason}`,
    );
  } else {
    const reason = isError(error) ? error.message : String(error);
    failure = new ServiceUnavailableError(
      `Could not reach Cluster Access: ${oneLine(reason)}`,
    );
  }
  failure.stack = failure.message;
  return failure;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
