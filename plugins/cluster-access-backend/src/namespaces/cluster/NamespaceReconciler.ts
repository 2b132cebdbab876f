import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterClient,
  KubeObject,
} from '@cluster-access/plugin-cluster-access-node';
import {
  historyNamespace,
  HistoryRecorder,
} from '../../history/HistoryRecorder';
import { NamespaceMembers, ResolvedMembers } from '../members/members';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_SELECTOR,
  REQUEST_ID_ANNOTATION,
  USER_ANNOTATION,
} from './labels';
import {
  desiredObjects,
  MANAGED_KINDS,
  needsApply,
  objectKey,
} from './manifests';
import {
  isOwnedBy,
  NamespaceProvisioner,
  ProvisionTarget,
} from './NamespaceProvisioner';
import { ClusterBusyError } from './clusterFailures';
import {
  recordDriftRepairs,
  recordLeaverRemovals,
  recordReconcile,
} from '../../metrics/metrics';

/**
 * What one reconcile pass of one cluster did.
 *
 * @public
 */
export interface ClusterReconcileReport {
  cluster: string;
  /** Ready namespaces checked. */
  namespaces: number;
  /** Objects written with server-side apply (or created). */
  applied: number;
  /** Managed objects deleted because they should no longer exist. */
  deleted: number;
  /** Problems that left part of the cluster unreconciled. */
  errors: string[];
}

/**
 * The access step of a reconcile pass (the access view's recorder), given
 * what the pass listed of one cluster.
 *
 * @public
 */
export interface ClusterAccessObserver {
  recordCluster(options: {
    client: ClusterClient;
    requests: ProvisionTarget[];
    resolved: Map<string, ResolvedMembers>;
    /** Managed objects of the cluster by `objectKey`, as listed this pass. */
    live: Map<string, KubeObject>;
    /** RoleBindings of the cluster without the managed-by label. */
    unmanaged: KubeObject[];
  }): Promise<{ deleted: number; errors: string[] }>;
}

/**
 * Whether the live Namespace of a request may be reconciled: not while it is
 * being deleted (whoever made it; the next pass sees it gone), and never one
 * that carries our label but belongs to another request.
 */
function isReconcilable(
  live: Map<string, KubeObject>,
  request: ProvisionTarget,
): boolean {
  const liveNamespace = live.get(
    objectKey({ kind: 'Namespace', metadata: { name: request.namespace } }),
  );
  if (liveNamespace?.metadata.deletionTimestamp) return false;
  if (liveNamespace && !isOwnedBy(liveNamespace, request.id)) {
    throw new Error(
      `namespace carries our label but belongs to request ${
        liveNamespace.metadata.annotations?.[REQUEST_ID_ANNOTATION] ?? '(none)'
      }; left alone`,
    );
  }
  return true;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps every ready namespace as its tier and its owner Group say: per
 * cluster it lists the managed objects of each kind once (by label selector),
 * computes the desired state from the database and the catalog, and writes
 * only what differs: missing or changed objects are applied, bindings of
 * people who left the Group are deleted. Runs through the scheduler, so one
 * replica at a time.
 *
 * @public
 */
export class NamespaceReconciler {
  constructor(
    private readonly options: {
      /** The namespaces to keep in shape: the ready create requests. */
      listReady: () => Promise<ProvisionTarget[]>;
      history: HistoryRecorder;
      provisioner: NamespaceProvisioner;
      members: NamespaceMembers;
      logger: LoggerService;
      /** Records who can get in through kubectl-made bindings, and acts on leavers. */
      access?: ClusterAccessObserver;
    },
  ) {}

  async reconcileAll(): Promise<ClusterReconcileReport[]> {
    const requests = await this.options.listReady();
    const resolved = await this.options.members.resolve(requests);
    const byCluster = new Map<string, ProvisionTarget[]>();
    for (const request of requests) {
      const list = byCluster.get(request.cluster) ?? [];
      list.push(request);
      byCluster.set(request.cluster, list);
    }
    const reports: ClusterReconcileReport[] = [];
    for (const [cluster, list] of byCluster) {
      const startedAt = performance.now();
      try {
        const report = await this.reconcileCluster(cluster, list, resolved);
        reports.push(report);
        recordReconcile({
          cluster,
          startedAt,
          outcome: report.errors.length ? 'problems' : 'ok',
        });
      } catch (error) {
        recordReconcile({ cluster, startedAt, outcome: 'unreachable' });
        // One cluster's trouble never stops the others; the next pass retries.
        this.options.logger.warn(
          `Reconciling cluster ${cluster} failed: ${errorMessage(error)}`,
        );
        reports.push({
          cluster,
          namespaces: list.length,
          applied: 0,
          deleted: 0,
          errors: [errorMessage(error)],
        });
      }
    }
    return reports;
  }

  /**
   * Lists the managed objects of every kind, each kind on its own: a kind
   * that fails (throttled, paging expired for good, refused) is recorded and
   * left out of this pass, the others are still reconciled.
   */
  private async listManaged(
    client: ClusterClient,
    report: ClusterReconcileReport,
  ): Promise<{
    live: Map<string, KubeObject>;
    unmanaged: KubeObject[];
    failedKinds: Set<string>;
  }> {
    const live = new Map<string, KubeObject>();
    // RoleBindings made with kubectl (without our label), for the access view.
    const unmanaged: KubeObject[] = [];
    const failedKinds = new Set<string>();
    for (const type of MANAGED_KINDS) {
      const { kind } = type;
      // RoleBindings are listed whole, still one list: the access view
      // needs the ones made without Cluster Access too.
      const all = kind === 'RoleBinding' && this.options.access;
      try {
        for (const object of await client.list(
          type,
          all ? '' : MANAGED_SELECTOR,
        )) {
          if (object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) {
            live.set(objectKey(object), object);
          } else {
            unmanaged.push(object);
          }
        }
      } catch (error) {
        failedKinds.add(kind);
        report.errors.push(`list ${kind}: ${errorMessage(error)}`);
        this.options.logger.warn(
          `Reconciling cluster ${
            client.cluster
          }: listing ${kind} failed, skipped this pass: ${errorMessage(error)}`,
        );
      }
    }
    return { live, unmanaged, failedKinds };
  }

  private async reconcileCluster(
    cluster: string,
    requests: ProvisionTarget[],
    resolved: Map<string, ResolvedMembers>,
  ): Promise<ClusterReconcileReport> {
    const report: ClusterReconcileReport = {
      cluster,
      namespaces: requests.length,
      applied: 0,
      deleted: 0,
      errors: [],
    };
    let client: ClusterClient;
    try {
      client = this.options.provisioner.client(cluster);
    } catch (error) {
      report.errors.push(errorMessage(error));
      return report;
    }
    const { live, unmanaged, failedKinds } = await this.listManaged(
      client,
      report,
    );
    if (failedKinds.has('Namespace')) {
      // Without the Namespaces, ownership and termination cannot be checked.
      return report;
    }
    const liveByNamespace = new Map<string, KubeObject[]>();
    for (const object of live.values()) {
      const ns = object.metadata.namespace;
      if (!ns) continue;
      const list = liveByNamespace.get(ns) ?? [];
      list.push(object);
      liveByNamespace.set(ns, list);
    }
    for (const request of requests) {
      try {
        await this.reconcileNamespace(
          client,
          request,
          resolved.get(request.id)!,
          live,
          (liveByNamespace.get(request.namespace) ?? []).filter(
            o => !failedKinds.has(o.kind),
          ),
          report,
          failedKinds,
        );
      } catch (error) {
        report.errors.push(`${request.namespace}: ${errorMessage(error)}`);
        this.options.logger.warn(
          `Reconciling ${historyNamespace(request)} failed: ${errorMessage(
            error,
          )}`,
        );
        if (error instanceof ClusterBusyError) {
          // The cluster asked to slow down: leave the rest for the next pass.
          report.errors.push(
            'the cluster is throttling; the remaining namespaces wait for the next pass',
          );
          break;
        }
      }
    }
    // Without every RoleBinding, who can get in is not known this pass.
    if (!failedKinds.has('RoleBinding')) {
      await this.recordAccess(
        { client, requests, resolved, live, unmanaged },
        report,
      );
    }
    return report;
  }

  private async recordAccess(
    input: Parameters<ClusterAccessObserver['recordCluster']>[0],
    report: ClusterReconcileReport,
  ): Promise<void> {
    if (!this.options.access) return;
    try {
      const access = await this.options.access.recordCluster(input);
      report.deleted += access.deleted;
      report.errors.push(...access.errors.map(e => `access: ${e}`));
    } catch (error) {
      report.errors.push(`access: ${errorMessage(error)}`);
      this.options.logger.warn(
        `Recording access on cluster ${report.cluster} failed: ${errorMessage(
          error,
        )}`,
      );
    }
  }

  /**
   * What must happen before a desired object is applied: a Namespace
   * deleted out of band is made again, but a namespace of the same name
   * that someone else created is never taken over; a RoleBinding whose
   * roleRef (immutable) points elsewhere is replaced.
   */
  private async prepareWrite(
    client: ClusterClient,
    request: ProvisionTarget,
    object: KubeObject,
    current: KubeObject | undefined,
  ): Promise<void> {
    if (object.kind === 'Namespace' && !current) {
      // Deleted out of band: make it again, but never take over a
      // namespace of the same name that someone else created.
      const { created } = await client.create(object);
      if (!created) {
        const existing = await client.get({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: request.namespace,
        });
        if (!existing || !isOwnedBy(existing, request.id)) {
          throw new Error(
            `namespace exists without our ownership record; it is never adopted`,
          );
        }
      }
    }
    if (current && object.kind === 'RoleBinding') {
      const have = current.roleRef as { kind?: string; name?: string };
      const want = object.roleRef as { kind: string; name: string };
      if (have?.kind !== want.kind || have?.name !== want.name) {
        // roleRef is immutable: a binding pointing elsewhere is replaced.
        await client.delete({
          apiVersion: object.apiVersion,
          kind: object.kind,
          namespace: object.metadata.namespace,
          name: object.metadata.name,
        });
      }
    }
  }

  private async reconcileNamespace(
    client: ClusterClient,
    request: ProvisionTarget,
    membership: ResolvedMembers,
    live: Map<string, KubeObject>,
    liveInNamespace: KubeObject[],
    report: ClusterReconcileReport,
    failedKinds: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const { provisioner, history } = this.options;
    if (!isReconcilable(live, request)) return;

    // Kinds whose list failed this pass are left alone: their live state is unknown.
    const desired = desiredObjects(
      provisioner.spec(request, membership.members),
    ).filter(o => !failedKinds.has(o.kind));
    const desiredKeys = new Set(desired.map(objectKey));
    const repaired: string[] = [];
    const granted = new Set<string>();
    const revoked = new Set<string>();
    // Users who had a binding before this pass: a repaired binding of theirs
    // is drift, not a membership change.
    const hadAccess = new Set(
      liveInNamespace
        .filter(o => o.kind === 'RoleBinding')
        .map(o => o.metadata.annotations?.[USER_ANNOTATION])
        .filter((u): u is string => Boolean(u)),
    );
    const members = new Set(membership.members.map(m => m.user));

    for (const object of desired) {
      const key = objectKey(object);
      const current = live.get(key);
      if (current && !needsApply(object, current)) continue;
      await this.prepareWrite(client, request, object, current);
      await client.apply(object);
      report.applied += 1;
      recordDriftRepairs(request.cluster, object.kind);
      repaired.push(`${key}${current ? ' (changed)' : ' (missing)'}`);
      const user = object.metadata.annotations?.[USER_ANNOTATION];
      if (object.kind === 'RoleBinding' && user && !hadAccess.has(user)) {
        granted.add(user);
      }
    }

    for (const object of liveInNamespace) {
      if (desiredKeys.has(objectKey(object))) continue;
      // Without the owner Group from the catalog we cannot know who left it;
      // keep existing bindings rather than lock everyone out.
      if (object.kind === 'RoleBinding' && !membership.groupFound) continue;
      await client.delete({
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
      });
      report.deleted += 1;
      repaired.push(`${objectKey(object)} (removed)`);
      const user = object.metadata.annotations?.[USER_ANNOTATION];
      if (object.kind === 'RoleBinding' && user && !members.has(user)) {
        revoked.add(user);
        recordLeaverRemovals(request.cluster, 'left_group');
      } else {
        recordDriftRepairs(request.cluster, object.kind);
      }
    }

    if (repaired.length === 0) return;
    await history.namespace('reconcile.repaired', request, {
      message: `Repaired ${repaired.length} object(s) in ${request.namespace}`,
      details: { objects: repaired },
    });
    for (const [type, users, verb] of [
      ['member.granted', granted, 'got'],
      ['member.revoked', revoked, 'lost'],
    ] as const) {
      for (const user of users) {
        await history.namespace(type, request, {
          message: `${user} ${verb} access to ${request.namespace}`,
          details: { user },
        });
      }
    }
  }
}
