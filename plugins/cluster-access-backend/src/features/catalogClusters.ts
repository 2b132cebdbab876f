import { LifecycleService, LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import { LiveClusterDirectory } from '../config/ClusterDirectory';
import { ClusterAccessSettings } from '../config/types';
import { ClusterAccessFeature } from './types';

/** Task id of the catalog cluster refresh. */
export const CATALOG_CLUSTERS_TASK_ID = 'cluster-access-catalog-clusters';

/**
 * Catalog clusters: read once the backend has started (the catalog may not
 * answer while plugins start), then again periodically. The task is local:
 * every replica keeps its own list in memory.
 */
export function catalogClustersFeature(options: {
  directory: LiveClusterDirectory;
  settings: ClusterAccessSettings;
  lifecycle: LifecycleService;
  logger: LoggerService;
}): ClusterAccessFeature {
  const { directory, logger } = options;
  const catalog = options.settings.clusterSources.catalog;
  const refresh = async () => {
    try {
      await directory.refresh();
    } catch (e) {
      logger.warn(
        `Could not read clusters from the catalog; keeping the last list: ${e}`,
      );
    }
  };
  if (catalog) {
    options.lifecycle.addStartupHook(() => {
      void refresh();
    });
  }
  return {
    router: express.Router(),
    tasks: catalog
      ? [
          {
            id: CATALOG_CLUSTERS_TASK_ID,
            scope: 'local',
            frequency: catalog.refreshFrequency,
            timeout: { minutes: 1 },
            initialDelay: catalog.refreshFrequency,
            fn: refresh,
          },
        ]
      : [],
    shutdown: async () => {},
  };
}
