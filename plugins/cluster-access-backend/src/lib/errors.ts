import { CustomErrorBase } from '@backstage/errors';

/**
 * An upstream system (Vault) refused or botched a request in a way only an
 * operator can fix: a policy that does not grant the path, a certificate that
 * fails our checks. Answered with 502.
 *
 * @remarks
 * Backstage's error middleware maps the known `@backstage/errors` names to
 * statuses and otherwise honours a numeric `statusCode` on the error; there
 * is no named 502 error, so this one carries its status.
 *
 * @internal
 */
export class BadGatewayError extends CustomErrorBase {
  name = 'BadGatewayError' as const;
  readonly statusCode = 502;
}
