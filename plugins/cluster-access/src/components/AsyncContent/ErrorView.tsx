import { ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { AccessDenied } from '../AccessDenied';

/** Whether an error is the backend's refusal (403), an expected state. */
export function isForbidden(error: Error): boolean {
  return ResponseError.is(error) && error.statusCode === 403;
}

/**
 * An error as people should see it: a refusal as a calm "you can't …, ask
 * …" without the server's internals; anything else as an error panel.
 */
export const ErrorView = (props: {
  error: Error;
  describe: (error: Error) => string;
  deniedWhat?: string;
}) => {
  const { error, describe, deniedWhat = 'see this' } = props;
  if (isForbidden(error)) return <AccessDenied what={deniedWhat} />;
  return <ResponseErrorPanel error={error} title={describe(error)} />;
};
