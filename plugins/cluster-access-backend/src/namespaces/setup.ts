import {
  AuthService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { clusterAccessRequestApprovePermission } from '@cluster-access/plugin-cluster-access-common';
import express from 'express';
import { ClusterAccessStore } from '../database/ClusterAccessStore';
import { ClusterClientProvider } from '../provisioning/ClusterClient';
import { KubernetesClusterClientProvider } from '../provisioning/KubernetesClusterClient';
import { NamespaceProvisioner } from '../provisioning/NamespaceProvisioner';
import { NamespaceRequestWorker } from '../provisioning/NamespaceRequestWorker';
import { AccessRecorder } from '../reconcile/AccessRecorder';
import { NamespaceReconciler } from '../reconcile/NamespaceReconciler';
import { scheduleNamespaceTasks } from '../reconcile/tasks';
import { createNamespacesRouter } from '../service/namespacesRouter';
import { NamespacesConfig, readNamespacesConfig } from './config';
import { tierResourceAdvice } from './tierResources';
import { NamespaceAccessStore } from './AccessStore';
import { DatabaseAccessStore } from './DatabaseAccessStore';
import { DatabaseNamespaceStore } from './DatabaseNamespaceStore';
import { CatalogGroupDirectory, GroupDirectory } from './groups';
import { NamespaceMembers } from './members';
import { NamespaceAccessService } from './NamespaceAccessService';
import { NamespaceRequestService } from './NamespaceRequestService';
import { NamespaceStore } from './NamespaceStore';
import {
  namespaceRequestPermissionRules,
  namespaceRequestResourceRef,
} from './permissionRules';

/**
 * The parts of the namespace feature, built from configuration.
 *
 * @public
 */
export interface NamespaceServices {
  config: NamespacesConfig;
  store: NamespaceStore;
  provisioner: NamespaceProvisioner;
  worker: NamespaceRequestWorker;
  reconciler: NamespaceReconciler;
  service: NamespaceRequestService;
  members: NamespaceMembers;
  /** Who can get in, and why (`GET /access`). */
  access: NamespaceAccessService;
}

/**
 * Builds the namespace feature's objects. Outside systems come in as
 * interfaces so that tests can give real peers or fakes.
 *
 * @public
 */
export function createNamespaceServices(options: {
  config: NamespacesConfig;
  store: NamespaceStore;
  accessStore: NamespaceAccessStore;
  history: Pick<ClusterAccessStore, 'addHistoryEvent'>;
  groups: GroupDirectory;
  clients?: ClusterClientProvider;
  logger: LoggerService;
  clock?: () => Date;
  workerId?: string;
}): NamespaceServices {
  const { config, store, accessStore, history, groups, logger, clock } =
    options;
  const members = new NamespaceMembers({
    groups,
    store,
    usernameFormat: config.usernameFormat,
    tiers: config.tiers,
    clock,
  });
  const provisioner = new NamespaceProvisioner({
    clients:
      options.clients ?? new KubernetesClusterClientProvider(config.clusters),
    tiers: config.tiers,
    members,
    delegableClusterRoles: config.delegableClusterRoles,
  });
  const worker = new NamespaceRequestWorker({
    store,
    history,
    provisioner,
    logger,
    clock,
    workerId: options.workerId,
  });
  const reconciler = new NamespaceReconciler({
    store,
    history,
    provisioner,
    members,
    logger,
    access: new AccessRecorder({
      store: accessStore,
      extras: store,
      history,
      tiers: config.tiers,
      groupPrefix: config.groupPrefix,
      logger,
      clock,
    }),
  });
  const service = new NamespaceRequestService({
    config,
    store,
    history,
    groups,
    members,
    provisioner,
    worker,
    logger,
    clock,
  });
  const access = new NamespaceAccessService({
    store,
    access: accessStore,
    members,
    groups,
    groupPrefix: config.groupPrefix,
  });
  return {
    config,
    store,
    provisioner,
    worker,
    reconciler,
    service,
    members,
    access,
  };
}

/**
 * Sets up namespace requests in the plugin: store, permission resource type
 * with its rules, scheduled work, and the router to mount.
 *
 * @public
 */
export async function setupNamespaces(options: {
  config: Config;
  database: DatabaseService;
  history: ClusterAccessStore;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  scheduler: SchedulerService;
  logger: LoggerService;
}): Promise<{ router: express.Router; services: NamespaceServices }> {
  const config = readNamespacesConfig(options.config);
  for (const tier of config.tiers) {
    for (const advice of tierResourceAdvice(tier)) {
      options.logger.warn(`Tier ${tier.name}: ${advice}`);
    }
  }
  const store = await DatabaseNamespaceStore.create({
    database: options.database,
  });
  const services = createNamespaceServices({
    config,
    store,
    accessStore: await DatabaseAccessStore.create({
      database: options.database,
    }),
    history: options.history,
    groups: new CatalogGroupDirectory({
      catalog: options.catalog,
      auth: options.auth,
    }),
    logger: options.logger,
  });

  options.permissionsRegistry.addResourceType({
    resourceRef: namespaceRequestResourceRef,
    permissions: [clusterAccessRequestApprovePermission],
    rules: Object.values(namespaceRequestPermissionRules),
    getResources: async ids => Promise.all(ids.map(id => store.getRequest(id))),
  });

  await scheduleNamespaceTasks({
    scheduler: options.scheduler,
    config,
    worker: services.worker,
    reconciler: services.reconciler,
    logger: options.logger,
  });

  const router = await createNamespacesRouter({
    httpAuth: options.httpAuth,
    userInfo: options.userInfo,
    permissions: options.permissions,
    requestRuleset: options.permissionsRegistry.getPermissionRuleset(
      namespaceRequestResourceRef,
    ),
    service: services.service,
    access: services.access,
  });
  return { router, services };
}
