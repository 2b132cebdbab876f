import { createApiRef } from '@backstage/core-plugin-api';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';

/**
 * Filters for the public history.
 *
 * @public
 */
export interface HistoryFilter {
  request?: string;
  namespace?: string;
  actor?: string;
  limit?: number;
}

/**
 * The Cluster Access backend, as the frontend sees it.
 *
 * @public
 */
export interface ClusterAccessApi {
  /** Reads the public history, newest first. */
  listHistory(filter?: HistoryFilter): Promise<HistoryEvent[]>;
}

/**
 * API ref for {@link ClusterAccessApi}.
 *
 * @public
 */
export const clusterAccessApiRef = createApiRef<ClusterAccessApi>({
  id: 'plugin.cluster-access.api',
});
