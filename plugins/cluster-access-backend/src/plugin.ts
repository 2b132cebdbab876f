import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { clusterAccessPermissions } from '@cluster-access/plugin-cluster-access-common';
import {
  clusterAccessCertificateSignerExtensionPoint,
  clusterAccessClusterClientProviderExtensionPoint,
  ClusterClientProvider,
  ClusterClientProviderFactory,
} from '@cluster-access/plugin-cluster-access-node';
import { LiveClusterDirectory } from './config/ClusterDirectory';
import { readClusterAccessSettings } from './config/readClusterAccessSettings';
import { migrateDatabase } from './database/migrations';
import {
  createCertificatesFeature,
  SignerRegistration,
} from './features/certificates';
import { catalogClustersFeature } from './features/catalogClusters';
import { createNamespacesFeature } from './features/namespaces';
import { DatabaseHistoryStore } from './history/DatabaseHistoryStore';
import { HistoryRecorder } from './history/HistoryRecorder';
import { SetOnce } from './lib/setOnce';
import { KubernetesClusterClientProvider } from './namespaces/cluster/KubernetesClusterClient';
import { signalListener } from './notifications/listeners';
import { createHistoryRouter } from './service/historyRouter';

/**
 * The Cluster Access backend plugin.
 *
 * @public
 */
export const clusterAccessPlugin = createBackendPlugin({
  pluginId: 'cluster-access',
  register(env) {
    const signer = new SetOnce<SignerRegistration>('the certificate signer');
    env.registerExtensionPoint(clusterAccessCertificateSignerExtensionPoint, {
      setSigner: (s, options) => signer.set({ signer: s, ...options }),
    });
    const clients = new SetOnce<
      ClusterClientProvider | ClusterClientProviderFactory
    >('the cluster client provider');
    env.registerExtensionPoint(
      clusterAccessClusterClientProviderExtensionPoint,
      { setClusterClientProvider: provider => clients.set(provider) },
    );

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        // Both have default factories that only talk to their backend
        // plugins; when those are not installed, sending fails and is
        // logged, and nothing else changes.
        notifications: notificationService,
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { httpRouter, lifecycle, scheduler } = deps;
        deps.permissionsRegistry.addPermissions(clusterAccessPermissions);
        const settings = readClusterAccessSettings(deps.config);
        const knex = await migrateDatabase(deps.database);
        const historyStore = new DatabaseHistoryStore(knex);
        const history = new HistoryRecorder({
          store: historyStore,
          logger: deps.logger,
          listeners: [signalListener(deps.signals)],
        });
        const sources = settings.clusterSources;
        const directory = new LiveClusterDirectory({ ...deps, sources });
        const provider =
          clients.get() ??
          (() => new KubernetesClusterClientProvider(directory));
        const features = [
          await createCertificatesFeature({
            ...deps,
            settings,
            knex,
            history,
            signer: signer.get(),
            clusters: directory,
          }),
          await createNamespacesFeature({
            ...deps,
            settings,
            knex,
            history,
            clusters: directory,
            clients:
              typeof provider === 'function'
                ? provider({ clusters: settings.clusters, directory })
                : provider,
          }),
          catalogClustersFeature({ ...deps, directory, settings }),
        ];
        httpRouter.use(
          await createHistoryRouter({ ...deps, history: historyStore }),
        );
        for (const feature of features) {
          httpRouter.use(feature.router);
          for (const task of feature.tasks) await scheduler.scheduleTask(task);
          lifecycle.addShutdownHook(() => feature.shutdown());
        }
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
