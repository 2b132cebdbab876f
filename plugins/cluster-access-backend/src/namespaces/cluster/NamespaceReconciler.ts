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
import { NamespaceProvisioner, ProvisionTarget } from './NamespaceProvisioner';
import { ClusterPass, NamespaceRepairs } from './clusterPass';
import { recordReconcile } from '../../metrics/metrics';

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
    /**
     * Namespaces listed this pass that their request owns and that are not
     * being deleted (one made again this pass is seen on the next).
     */
    owned: ReadonlySet<string>;
    /** RoleBindings without the managed-by label in those namespaces. */
    unmanaged: KubeObject[];
    /** Cluster Access's own RoleBindings in those namespaces, as they stand after the pass. */
    managed: KubeObject[];
    /**
     * ISO 8601 time the pass of this cluster began, before it listed
     * anything: what was recorded since is newer than what it saw.
     */
    startedAt?: string;
  }): Promise<{ deleted: number; errors: string[] }>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Keeps every ready namespace as its tier and its owner Group say: per
 * cluster it lists the managed objects of each kind (by label selector) page
 * by page, compares each page with the desired state from the database and
 * the catalog, and writes only what differs: missing or changed objects are
 * applied, bindings of people who left the Group are deleted. Only one page
 * of objects is held at a time. Runs through the scheduler, so one replica
 * at a time.
 *
 * @public
 */
export class NamespaceReconciler {
  private readonly clock: () => Date;

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
      clock?: () => Date;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

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
    const startedAt = this.clock().toISOString();
    let client: ClusterClient;
    try {
      client = this.options.provisioner.client(cluster);
    } catch (error) {
      report.errors.push(errorMessage(error));
      return report;
    }
    const pass = await new ClusterPass({
      client,
      requests,
      resolved,
      provisioner: this.options.provisioner,
      logger: this.options.logger,
      withUnmanaged: Boolean(this.options.access),
    }).run();
    report.applied = pass.applied;
    report.deleted = pass.deleted;
    report.errors.push(...pass.errors);
    for (const repairs of pass.repairs.values()) {
      await this.recordRepairs(repairs, report);
    }
    // Without the Namespaces or every RoleBinding, who can get in is not known this pass.
    if (
      !pass.failedKinds.has('Namespace') &&
      !pass.failedKinds.has('RoleBinding')
    ) {
      await this.recordAccess(
        {
          client,
          requests,
          resolved,
          owned: pass.owned,
          unmanaged: [...pass.unmanaged.values()],
          managed: [...pass.managed.values()],
          startedAt,
        },
        report,
      );
    }
    return report;
  }

  /** The history of one namespace's repairs: what was written, who got or lost access. */
  private async recordRepairs(
    { request, repaired, granted, revoked }: NamespaceRepairs,
    report: ClusterReconcileReport,
  ): Promise<void> {
    const { history } = this.options;
    try {
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
    } catch (error) {
      report.errors.push(`${request.namespace}: ${errorMessage(error)}`);
      this.options.logger.warn(
        `Recording the repairs of ${historyNamespace(
          request,
        )} failed: ${errorMessage(error)}`,
      );
    }
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
}
