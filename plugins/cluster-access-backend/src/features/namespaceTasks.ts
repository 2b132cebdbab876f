import { LoggerService } from '@backstage/backend-plugin-api';
import { NamespacesSettings } from '../config/types';
import { NamespaceReconciler } from '../namespaces/cluster/NamespaceReconciler';
import { NamespaceRequestWorker } from '../namespaces/requests/NamespaceRequestWorker';
import { FeatureTask } from './types';

/** Task id of the request worker (expiry, provisioning, retries). */
export const REQUEST_WORKER_TASK_ID = 'cluster-access-namespace-requests';
/** Task id of the reconciler. */
export const RECONCILE_TASK_ID = 'cluster-access-namespace-reconcile';

/**
 * The periodic work of namespaces. Both tasks are global, so one replica
 * runs each at a time; the request worker also claims every request in the
 * database, because approvals start work in the replica that answered them.
 */
export function namespaceTasks(options: {
  settings: NamespacesSettings;
  worker: NamespaceRequestWorker;
  reconciler: NamespaceReconciler;
  logger: LoggerService;
}): FeatureTask[] {
  const { settings, worker, reconciler, logger } = options;
  return [
    {
      id: REQUEST_WORKER_TASK_ID,
      scope: 'global',
      ...settings.worker,
      initialDelay: { seconds: 5 },
      fn: async () => {
        await worker.runOnce();
      },
    },
    {
      id: RECONCILE_TASK_ID,
      scope: 'global',
      ...settings.reconcile,
      initialDelay: { seconds: 30 },
      fn: async () => {
        const started = Date.now();
        for (const report of await reconciler.reconcileAll()) {
          const summary = `cluster ${report.cluster}: ${
            report.namespaces
          } namespaces, ${report.applied} applied, ${
            report.deleted
          } deleted in ${Date.now() - started} ms`;
          if (report.errors.length > 0) {
            logger.warn(
              `Reconcile ${summary}; ${
                report.errors.length
              } problem(s): ${report.errors.join('; ')}`,
            );
          } else {
            logger.info(`Reconcile ${summary}`);
          }
        }
      },
    },
  ];
}
