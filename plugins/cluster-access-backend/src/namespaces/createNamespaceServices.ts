import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterClientProvider,
  ClusterDirectory,
} from '@cluster-access/plugin-cluster-access-node';
import { CertificatesSettings, NamespacesSettings } from '../config/types';
import { HistoryRecorder } from '../history/HistoryRecorder';
import { AccessRecorder } from './access/AccessRecorder';
import { AppliedBindingsRecorder } from './access/AppliedBindingsRecorder';
import { NamespaceAccessStore } from './access/AccessStore';
import { NamespaceAccessService } from './access/NamespaceAccessService';
import { NamespaceProvisioner } from './cluster/NamespaceProvisioner';
import { NamespaceReconciler } from './cluster/NamespaceReconciler';
import { GroupDirectory } from './members/groups';
import { NamespaceMembers } from './members/members';
import { NamespaceLifecycle } from './requests/lifecycle';
import { ManagedNamespaceService } from './requests/ManagedNamespaceService';
import { NamespaceMembershipService } from './requests/NamespaceMembershipService';
import { NamespaceRequestService } from './requests/NamespaceRequestService';
import { NamespaceRequestWorker } from './requests/NamespaceRequestWorker';
import { NamespaceStore } from './requests/NamespaceStore';

/**
 * The parts of the namespace feature, wired together.
 *
 * @internal
 */
export interface NamespaceServices {
  settings: NamespacesSettings;
  store: NamespaceStore;
  provisioner: NamespaceProvisioner;
  worker: NamespaceRequestWorker;
  reconciler: NamespaceReconciler;
  requests: NamespaceRequestService;
  namespaces: ManagedNamespaceService;
  membership: NamespaceMembershipService;
  members: NamespaceMembers;
  /** Who can get in, and why (`GET /access`). */
  access: NamespaceAccessService;
}

/**
 * Builds the namespace feature's objects. Outside systems (the database,
 * the catalog, the clusters) come in as interfaces, so that tests can give
 * real peers or fakes.
 *
 * @internal
 */
export function createNamespaceServices(options: {
  settings: NamespacesSettings;
  certificates: Pick<CertificatesSettings, 'usernameFormat' | 'groupPrefix'>;
  /** The clusters known now (config and catalog). */
  clusters: ClusterDirectory;
  store: NamespaceStore;
  accessStore: NamespaceAccessStore;
  history: HistoryRecorder;
  groups: GroupDirectory;
  clients: ClusterClientProvider;
  logger: LoggerService;
  clock?: () => Date;
  workerId?: string;
  /** Ready requests a reconcile pass reads at a time (default 500). */
  reconcilePageSize?: number;
}): NamespaceServices {
  const { settings, store, history, groups, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const { usernameFormat } = options.certificates;
  const members = new NamespaceMembers({
    groups,
    store,
    usernameFormat,
    tiers: settings.tiers,
    clock,
  });
  const provisioner = new NamespaceProvisioner({
    clients: options.clients,
    tiers: settings.tiers,
    members,
    delegableClusterRoles: settings.delegableClusterRoles,
    bindings: new AppliedBindingsRecorder({
      store: options.accessStore,
      logger,
      clock,
    }),
  });
  const lifecycle = new NamespaceLifecycle({ store, history, clock });
  const worker = new NamespaceRequestWorker({
    store,
    lifecycle,
    history,
    provisioner,
    logger,
    clock,
    workerId: options.workerId,
    concurrencyPerCluster: settings.worker.concurrencyPerCluster,
  });
  const reconciler = createReconciler(options, { members, provisioner, clock });
  return {
    settings,
    store,
    provisioner,
    worker,
    reconciler,
    members,
    ...userServices({
      ...options,
      members,
      provisioner,
      worker,
      lifecycle,
      clock,
    }),
  };
}

/** The reconcile pass, with the access view it records. */
function createReconciler(
  options: Parameters<typeof createNamespaceServices>[0],
  deps: {
    members: NamespaceMembers;
    provisioner: NamespaceProvisioner;
    clock: () => Date;
  },
): NamespaceReconciler {
  const { settings, store, history, logger } = options;
  return new NamespaceReconciler({
    ready: store,
    pageSize: options.reconcilePageSize,
    clock: deps.clock,
    history,
    provisioner: deps.provisioner,
    members: deps.members,
    logger,
    access: new AccessRecorder({
      store: options.accessStore,
      extras: store,
      history,
      tiers: settings.tiers,
      groupPrefix: options.certificates.groupPrefix,
      logger,
      clock: deps.clock,
    }),
  });
}

/** The services behind the routes: requests, namespaces, members, access. */
function userServices(
  options: Parameters<typeof createNamespaceServices>[0] & {
    members: NamespaceMembers;
    provisioner: NamespaceProvisioner;
    worker: NamespaceRequestWorker;
    lifecycle: NamespaceLifecycle;
    clock: () => Date;
  },
) {
  const { settings, store, history, groups, members, provisioner, clock } =
    options;
  const { logger, lifecycle } = options;
  const namespaces = new ManagedNamespaceService({
    store,
    groups,
    members,
    provisioner,
    logger,
  });
  return {
    namespaces,
    requests: new NamespaceRequestService({
      settings: { ...settings, clusters: options.clusters },
      store,
      lifecycle,
      history,
      groups,
      namespaces,
      provisioner,
      worker: options.worker,
      logger,
      clock,
    }),
    membership: new NamespaceMembershipService({
      store,
      namespaces,
      groups,
      members,
      provisioner,
      history,
      logger,
      clock,
    }),
    access: new NamespaceAccessService({
      store,
      access: options.accessStore,
      members,
      groups,
      groupPrefix: options.certificates.groupPrefix,
    }),
  };
}
