/**
 * Why a certificate request failed, in words every signed-in user may read
 * in the public history: the kind of failure, never the upstream's text
 * (Vault's address, its error strings, a stack).
 *
 * @internal
 */
export interface FailureSentence {
  /** A stable code for the kind of failure. */
  reason:
    | 'invalid-request'
    | 'not-allowed'
    | 'not-found'
    | 'conflict'
    | 'signer-unavailable'
    | 'signer-error'
    | 'internal-error';
  /** What happened, for people. */
  sentence: string;
}

const SENTENCES: Record<string, FailureSentence> = {
  InputError: {
    reason: 'invalid-request',
    sentence: 'the request did not meet the rules for a client certificate.',
  },
  NotAllowedError: {
    reason: 'not-allowed',
    sentence: 'the user may not have this certificate.',
  },
  NotFoundError: {
    reason: 'not-found',
    sentence: 'there is no such certificate of this user.',
  },
  ConflictError: {
    reason: 'conflict',
    sentence:
      'the records of the certificate service disagree; an operator has to look at it.',
  },
  ServiceUnavailableError: {
    reason: 'signer-unavailable',
    sentence:
      'the certificate service was unavailable; trying again later may work.',
  },
  BadGatewayError: {
    reason: 'signer-error',
    sentence:
      'the certificate service answered in a way that cannot be used; operators have been told.',
  },
};

/** The history's account of a failure. */
export function failureSentence(error: unknown): FailureSentence {
  const name = (error as { name?: unknown } | undefined)?.name;
  return (
    (typeof name === 'string' ? SENTENCES[name] : undefined) ?? {
      reason: 'internal-error',
      sentence: 'something went wrong; operators have been told.',
    }
  );
}
