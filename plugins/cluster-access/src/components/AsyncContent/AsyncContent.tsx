import { ReactNode } from 'react';
import { Progress } from '@backstage/core-components';
import { describeNamespaceError } from '../../lib/errors';
import { ErrorView } from './ErrorView';

/** The part of a loader's state that a view shows. */
export interface LoadState<T> {
  loading: boolean;
  error?: Error;
  value?: T;
}

/**
 * A loaded part of a card: a spinner while it loads, the error (a calm
 * "you can't" for a refusal), and what `children` makes of the value once
 * it is there.
 */
export function AsyncContent<T>(props: {
  state: LoadState<T>;
  describe?: (error: Error) => string;
  /** What a 403 means the person cannot do: "see the history". */
  deniedWhat?: string;
  children: (value: T) => ReactNode;
}) {
  const { state, describe = describeNamespaceError, children } = props;
  return (
    <>
      {state.loading && <Progress />}
      {state.error && (
        <ErrorView
          error={state.error}
          describe={describe}
          deniedWhat={props.deniedWhat}
        />
      )}
      {state.value !== undefined && children(state.value)}
    </>
  );
}
