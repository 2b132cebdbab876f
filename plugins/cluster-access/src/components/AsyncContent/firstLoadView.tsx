import { ReactElement } from 'react';
import { Progress } from '@backstage/core-components';
import { describeNamespaceError } from '../../lib/errors';
import { LoadState } from './AsyncContent';
import { ErrorView } from './ErrorView';

/**
 * What a tab shows instead of its content: a spinner until every loader has
 * something (reloads keep the content in place), or the first error, in the
 * order given (a refusal as a calm state). Undefined once the content can
 * show.
 */
export function firstLoadView(options: {
  states: LoadState<unknown>[];
  describe?: (error: Error) => string;
  /** What a 403 means the person cannot do: "see the history". */
  deniedWhat?: string;
}): ReactElement | undefined {
  const { states, describe = describeNamespaceError, deniedWhat } = options;
  if (states.some(s => s.loading && s.value === undefined)) {
    return <Progress />;
  }
  const error = states.find(s => s.error)?.error;
  if (error) {
    return (
      <ErrorView error={error} describe={describe} deniedWhat={deniedWhat} />
    );
  }
  return undefined;
}
