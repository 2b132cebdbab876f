import { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { describeNamespaceError } from '../../lib/errors';

/** The part of a loader's state that a view shows. */
export interface LoadState<T> {
  loading: boolean;
  error?: Error;
  value?: T;
}

/**
 * A loaded part of a card: a spinner while it loads, the error as a panel,
 * and what `children` makes of the value once it is there.
 */
export function AsyncContent<T>(props: {
  state: LoadState<T>;
  describe?: (error: Error) => string;
  children: (value: T) => ReactNode;
}) {
  const { state, describe = describeNamespaceError, children } = props;
  return (
    <>
      {state.loading && <Progress />}
      {state.error && (
        <ResponseErrorPanel error={state.error} title={describe(state.error)} />
      )}
      {state.value !== undefined && children(state.value)}
    </>
  );
}
