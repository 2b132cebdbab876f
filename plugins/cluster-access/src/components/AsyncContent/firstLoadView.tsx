import { ReactElement } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { describeNamespaceError } from '../../lib/errors';
import { LoadState } from './AsyncContent';

/**
 * What a tab shows instead of its content: a spinner until every loader has
 * something (reloads keep the content in place), or the first error, in the
 * order given, as a panel. Undefined once the content can show.
 */
export function firstLoadView(options: {
  states: LoadState<unknown>[];
  describe?: (error: Error) => string;
}): ReactElement | undefined {
  const { states, describe = describeNamespaceError } = options;
  if (states.some(s => s.loading && s.value === undefined)) {
    return <Progress />;
  }
  const error = states.find(s => s.error)?.error;
  if (error) {
    return <ResponseErrorPanel error={error} title={describe(error)} />;
  }
  return undefined;
}
