import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { NamespacesConfig } from '../namespaces/config';
import { NamespaceRequestWorker } from '../provisioning/NamespaceRequestWorker';
import { NamespaceReconciler } from './NamespaceReconciler';

/** Task id of the request worker (expiry, provisioning, retries). */
export const REQUEST_WORKER_TASK_ID = 'cluster-access-namespace-requests';
/** Task id of the reconciler. */
export const RECONCILE_TASK_ID = 'cluster-access-namespace-reconcile';

/**
 * Registers the periodic work with the scheduler. Both tasks are global, so
 * one replica runs each at a time; the request worker also claims every
 * request in the database, because approvals start work in the replica that
 * answered them.
 *
 * @public
 */
export async function scheduleNamespaceTasks(options: {
  scheduler: SchedulerService;
  config: NamespacesConfig;
  worker: NamespaceRequestWorker;
  reconciler: NamespaceReconciler;
  logger: LoggerService;
}): Promise<void> {
  const { scheduler, config, worker, reconciler, logger } = options;
  await scheduler.scheduleTask({
    id: REQUEST_WORKER_TASK_ID,
    scope: 'global',
    frequency: config.worker.frequency,
    timeout: config.worker.timeout,
    initialDelay: { seconds: 5 },
    fn: async () => {
      await worker.runOnce();
    },
  });
  await scheduler.scheduleTask({
    id: RECONCILE_TASK_ID,
    scope: 'global',
    frequency: config.reconcile.frequency,
    timeout: config.reconcile.timeout,
    initialDelay: { seconds: 30 },
    fn: async () => {
      const started = Date.now();
      const reports = await reconciler.reconcileAll();
      for (const report of reports) {
        const summary = `cluster ${report.cluster}: ${
          report.namespaces
        } namespaces, ${report.applied} applied, ${report.deleted} deleted in ${
          Date.now() - started
        } ms`;
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
  });
}
