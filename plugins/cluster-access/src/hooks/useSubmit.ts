import { useCallback, useState } from 'react';
import useMountedState from 'react-use/esm/useMountedState';

/** What {@link useSubmit} returns. */
export interface Submit {
  /** True while an action runs: forms disable their fields and buttons. */
  busy: boolean;
  /** Why the last action failed; cleared when the next one starts. */
  error?: Error;
  /** Runs an action, catching its failure into `error`. */
  run: (action: () => Promise<void>) => Promise<void>;
}

/**
 * The busy and error state of a form or dialog that sends something. The
 * action does its own follow-up on success (close, reload, say so). A
 * dialog that closes on success is not updated after it unmounted, which
 * React 16 and 17 (still allowed by the peer dependencies) warn about.
 */
export function useSubmit(): Submit {
  const isMounted = useMountedState();
  const [state, setState] = useState<{ busy: boolean; error?: Error }>({
    busy: false,
  });
  const run = useCallback(
    async (action: () => Promise<void>) => {
      setState({ busy: true });
      try {
        await action();
        if (isMounted()) setState({ busy: false });
      } catch (e) {
        if (isMounted()) setState({ busy: false, error: e as Error });
      }
    },
    [isMounted],
  );
  return { ...state, run };
}
