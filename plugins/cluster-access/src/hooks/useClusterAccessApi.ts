import { DependencyList, useCallback, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { AsyncStateRetry } from 'react-use/esm/useAsyncRetry';
import { ClusterAccessSignal } from '@cluster-access/plugin-cluster-access-common';
import { ClusterAccessApi, clusterAccessApiRef } from '../api';
import { useClusterAccessSignals } from './useClusterAccessSignals';

/**
 * Loads something from the Cluster Access API, again whenever `deps` change
 * or `retry()` is called; earlier values stay while it reloads.
 *
 * This is react-use's `useAsyncRetry` (as notifications' `useNotificationsApi`
 * uses it) except for one thing: `useAsyncRetry` ignores a `retry()` made
 * while a load is running, and pages here reload after every change, so a
 * second change made during a slow reload (the namespace list reads quotas
 * live from the clusters) would never show. Here the later load wins.
 */
export function useClusterAccessApi<T>(
  load: (api: ClusterAccessApi) => Promise<T>,
  deps: DependencyList = [],
  options: {
    /** Reloads when the backend signals an event this accepts. */
    liveOn?: (signal: ClusterAccessSignal) => boolean;
  } = {},
): AsyncStateRetry<T> {
  const api = useApi(clusterAccessApiRef);
  const [attempt, setAttempt] = useState(0);
  const state = useAsync(() => load(api), [api, attempt, ...deps]);
  const retry = useCallback(() => setAttempt(n => n + 1), []);
  const { liveOn } = options;
  useClusterAccessSignals(signal => liveOn?.(signal) ?? false, retry);
  return { ...state, retry };
}
