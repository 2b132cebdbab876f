import { useEffect, useRef } from 'react';
import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  ClusterAccessSignal,
  CLUSTER_ACCESS_SIGNAL_CHANNEL,
} from '@cluster-access/plugin-cluster-access-common';

/** Signals arriving this close together cause one reload, not one each. */
const COALESCE_MS = 250;

/**
 * Calls `onChange` when the backend announces history events that `matches`
 * accepts (provisioning makes a burst of them; they are coalesced). Returns
 * whether the app has signals at all: without `@backstage/plugin-signals`
 * nothing is announced, and callers that must follow a change fall back to
 * polling.
 */
export function useClusterAccessSignals(
  matches: (signal: ClusterAccessSignal) => boolean,
  onChange: () => void,
): boolean {
  const signals = useApiHolder().get(signalApiRef);
  const latest = useRef({ matches, onChange });
  latest.current = { matches, onChange };
  useEffect(() => {
    if (!signals) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subscription = signals.subscribe<ClusterAccessSignal>(
      CLUSTER_ACCESS_SIGNAL_CHANNEL,
      signal => {
        if (!latest.current.matches(signal) || timer) return;
        timer = setTimeout(() => {
          timer = undefined;
          latest.current.onChange();
        }, COALESCE_MS);
      },
    );
    return () => {
      if (timer) clearTimeout(timer);
      subscription.unsubscribe();
    };
  }, [signals]);
  return Boolean(signals);
}

/** Events that change requests, namespaces or members (not the many steps). */
export const changesNamespaces = (signal: ClusterAccessSignal) =>
  !signal.type.startsWith('certificate.') &&
  signal.type !== 'provisioning.step';

/** Every event: the history shows them all. */
export const anyEvent = () => true;
