import { useMemo } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { clusterAccessApiRef, HistoryFilter } from '../../api';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { anyEvent } from '../../hooks/useClusterAccessSignals';

/** Events per request to the backend (its maximum). */
const HISTORY_PAGE = 1000;

/** Events by id, in order, once each: pages overlap after a live reload. */
function once(events: HistoryEvent[]): HistoryEvent[] {
  const seen = new Set<string>();
  return events.filter(e => !seen.has(e.id) && !!seen.add(e.id));
}

type Older = { key: string; events: HistoryEvent[]; cursor?: string };

/**
 * The history, newest first: the newest page (reloaded live) and the older
 * pages the user asked for with `showOlder`, appended.
 */
export function useHistoryPages(filter?: HistoryFilter) {
  const api = useApi(clusterAccessApiRef);
  const key = JSON.stringify(filter ?? {});
  const first = useClusterAccessApi(
    a => a.listHistoryPage({ limit: HISTORY_PAGE, ...filter }),
    [key],
    { liveOn: anyEvent },
  );
  // What was shown when older pages were loaded stays, so that a live
  // reload of the newest page leaves no gap before them.
  const [older, showOlder] = useAsyncFn(
    async (shown: HistoryEvent[], cursor: string): Promise<Older> => {
      const page = await api.listHistoryPage({
        limit: HISTORY_PAGE,
        ...filter,
        cursor,
      });
      const events = once([...shown, ...page.items]);
      return { key, events, cursor: page.pageInfo.nextCursor };
    },
    [api, key],
  );
  const loaded = older.value?.key === key ? older.value : undefined;
  const events = useMemo(
    () => once([...(first.value?.items ?? []), ...(loaded?.events ?? [])]),
    [first.value, loaded],
  );
  const cursor = loaded ? loaded.cursor : first.value?.pageInfo.nextCursor;
  return {
    first,
    events,
    older: { loading: older.loading, error: older.error },
    showOlder: cursor ? () => showOlder(events, cursor) : undefined,
  };
}
