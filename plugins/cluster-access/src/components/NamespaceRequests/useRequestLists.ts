import { useSearchParams } from 'react-router-dom';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { changesNamespaces } from '../../hooks/useClusterAccessSignals';

/** How many of the user's own decisions the last list shows. */
const RECENT_DECISIONS = 10;

/**
 * The tab's three lists, reloaded when the backend signals a change to
 * requests or namespaces (instead of polling).
 */
export function useRequestLists() {
  return useClusterAccessApi(
    async api => {
      const [pending, mine, decided] = await Promise.all([
        api.listRequests({ status: ['pending'] }),
        api.listRequests({ mine: true }),
        api.listRequests({ decidedByMe: true, limit: RECENT_DECISIONS }),
      ]);
      return { pending, mine, decided };
    },
    [],
    { liveOn: changesNamespaces },
  );
}

/**
 * The request of `?request=<id>` (the link in notifications), followed
 * live, and a way to drop the parameter when its dialog closes.
 */
export function useLinkedRequest() {
  const [params, setParams] = useSearchParams();
  const id = params.get('request') ?? undefined;
  const request = useClusterAccessApi(
    async api => (id ? api.getRequest({ id }) : undefined),
    [id],
    { liveOn: signal => signal.requestId === id },
  );
  const clear = () => {
    if (!id) return;
    params.delete('request');
    setParams(params, { replace: true });
  };
  return { id, request, clear };
}
