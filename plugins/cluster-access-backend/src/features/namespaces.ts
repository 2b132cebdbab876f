import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  clusterAccessNamespaceDeletePermission,
  clusterAccessNamespaceMembersManagePermission,
  clusterAccessRequestApprovePermission,
  clusterAccessRequestCreatePermission,
} from '@cluster-access/plugin-cluster-access-common';
import {
  ClusterClientProvider,
  ClusterDirectory,
} from '@cluster-access/plugin-cluster-access-node';
import { Knex } from 'knex';
import { tierResourceAdvice } from '../config/tierResources';
import { ClusterAccessSettings } from '../config/types';
import { HistoryRecorder } from '../history/HistoryRecorder';
import { DatabaseAccessStore } from '../namespaces/access/DatabaseAccessStore';
import { createNamespaceServices } from '../namespaces/createNamespaceServices';
import { CatalogGroupDirectory } from '../namespaces/members/groups';
import {
  namespaceRequestPermissionRules,
  namespaceRequestResourceRef,
} from '../namespaces/requests/permissionRules';
import { DatabaseNamespaceStore } from '../namespaces/requests/DatabaseNamespaceStore';
import { observeProvisioningQueue } from '../metrics/metrics';
import {
  NotificationSender,
  notificationListener,
} from '../notifications/listeners';
import { createNamespacesRouter } from '../service/namespacesRouter';
import { namespaceTasks } from './namespaceTasks';
import { ClusterAccessFeature } from './types';

/**
 * Namespace requests: the services on the plugin's database and the
 * catalog, the permission resource type with its rules, the scheduled work
 * and the router.
 */
export async function createNamespacesFeature(options: {
  settings: ClusterAccessSettings;
  knex: Knex;
  history: HistoryRecorder;
  clients: ClusterClientProvider;
  /** The clusters known now (config and catalog). */
  clusters: ClusterDirectory;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  auditor: AuditorService;
  logger: LoggerService;
  /** Where notifications go; without it nobody is notified. */
  notifications?: NotificationSender;
}): Promise<ClusterAccessFeature> {
  const { settings, logger, permissionsRegistry } = options;
  for (const tier of settings.namespaces.tiers) {
    for (const advice of tierResourceAdvice(tier)) {
      logger.warn(`Tier ${tier.name}: ${advice}`);
    }
  }
  const store = new DatabaseNamespaceStore(options.knex);
  if (options.notifications) {
    options.history.addListener(
      notificationListener({
        notifications: options.notifications,
        store,
        tiers: settings.namespaces.tiers,
        pagePath: settings.namespaces.pagePath,
      }),
    );
  }
  const services = createNamespaceServices({
    settings: settings.namespaces,
    certificates: settings.certificates,
    clusters: options.clusters,
    store,
    accessStore: new DatabaseAccessStore(options.knex),
    history: options.history,
    groups: new CatalogGroupDirectory(options),
    clients: options.clients,
    logger,
  });
  const stopObserving = observeProvisioningQueue(() =>
    store.provisioningQueue(),
  );
  permissionsRegistry.addResourceType({
    resourceRef: namespaceRequestResourceRef,
    permissions: [
      clusterAccessRequestCreatePermission,
      clusterAccessRequestApprovePermission,
      clusterAccessNamespaceMembersManagePermission,
      clusterAccessNamespaceDeletePermission,
    ],
    rules: Object.values(namespaceRequestPermissionRules),
    getResources: async ids =>
      Promise.all(ids.map(id => services.store.getRequest(id))),
  });
  return {
    router: await createNamespacesRouter({
      ...options,
      ...services,
      requestRuleset: permissionsRegistry.getPermissionRuleset(
        namespaceRequestResourceRef,
      ),
    }),
    tasks: namespaceTasks({ ...services, logger }),
    shutdown: async () => {
      stopObserving();
      await services.worker.idle();
    },
  };
}
