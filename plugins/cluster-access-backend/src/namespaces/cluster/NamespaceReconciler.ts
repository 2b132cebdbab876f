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
import { ClusterPass } from './clusterPass';
import { NamespaceRepairs } from './passRecord';
import { recordReconcile } from '../../metrics/metrics';

/**
 * What one reconcile pass of one cluster did.
 *
 * @internal
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
 * what the pass listed of one cluster, one page of requests at a time.
 *
 * @internal
 */
export interface ClusterAccessObserver {
  recordCluster(options: {
    client: ClusterClient;
    /** One page of the cluster's ready requests. */
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
 * The ready create requests, as a reconcile pass reads them: page by page.
 *
 * @internal
 */
export interface ReadyRequestSource {
  /** Clusters with ready requests that were ready at `readyBy`. */
  listReadyClusters(readyBy: Date): Promise<string[]>;
  /** One page of a cluster's ready requests, in a Kubernetes list's key order. */
  listReadyPage(query: {
    cluster: string;
    order: 'name' | 'key';
    after?: string;
    limit: number;
    readyBy: Date;
  }): Promise<ProvisionTarget[]>;
}

/**
 * Keeps every ready namespace as its tier and its owner Group say: per
 * cluster it lists the managed objects of each kind (by label selector) page
 * by page, joins them, namespace by namespace, with the ready requests read
 * from the database page by page in the same order, and writes only what
 * differs: missing or changed objects are applied, bindings of people who
 * left the Group are deleted. One page of objects and one page of requests
 * are held at a time. Runs through the scheduler, so one replica at a time.
 *
 * @internal
 */
export class NamespaceReconciler {
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      /** The namespaces to keep in shape: the ready create requests. */
      ready: ReadyRequestSource;
      /** Requests read from the database at a time (default 500). */
      pageSize?: number;
      clock?: () => Date;
      history: HistoryRecorder;
      provisioner: NamespaceProvisioner;
      members: NamespaceMembers;
      logger: LoggerService;
      /** Records who can get in through kubectl-made bindings, and acts on leavers. */
      access?: ClusterAccessObserver;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async reconcileAll(): Promise<ClusterReconcileReport[]> {
    // The pass's snapshot: a request that becomes ready while it runs waits
    // for the next one, so every kind sees the same requests.
    const readyBy = this.clock();
    const clusters = await this.options.ready.listReadyClusters(readyBy);
    const reports: ClusterReconcileReport[] = [];
    for (const cluster of clusters) {
      const startedAt = performance.now();
      try {
        const report = await this.reconcileCluster(cluster, readyBy);
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
          namespaces: 0,
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
    readyBy: Date,
  ): Promise<ClusterReconcileReport> {
    const report: ClusterReconcileReport = {
      cluster,
      namespaces: 0,
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
    const { ready, members, access } = this.options;
    // The access step's own tally, reported after the pass's.
    const accessReport = { ...report, errors: [] as string[] };
    const pass = await new ClusterPass({
      client,
      readReady: query => ready.listReadyPage({ ...query, cluster, readyBy }),
      pageSize: this.options.pageSize ?? 500,
      resolve: requests => members.resolve(requests),
      provisioner: this.options.provisioner,
      logger: this.options.logger,
      recordAccess: access
        ? page =>
            this.recordAccess({ ...page, client, startedAt }, accessReport)
        : undefined,
    }).run();
    report.namespaces = pass.namespaces;
    report.applied = pass.applied;
    report.deleted = pass.deleted + accessReport.deleted;
    report.errors.push(...pass.errors, ...accessReport.errors);
    for (const repairs of pass.repairs.values()) {
      await this.recordRepairs(repairs, report);
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
