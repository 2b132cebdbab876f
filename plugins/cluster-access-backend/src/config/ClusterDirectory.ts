import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ClusterDirectory,
  ClusterSettings,
} from '@cluster-access/plugin-cluster-access-node';
import {
  catalogCluster,
  catalogClusterFilter,
  CatalogClusterResult,
  Resolve,
} from './catalogClusters';
import { applyOverride, ClusterSources } from './clusters';

/**
 * The clusters of config, and those of the catalog as last read. Each
 * replica reads the catalog on its own (a local task): replicas may differ
 * for one refresh period, which only changes what is offered, never what
 * was provisioned.
 *
 * A catalog cluster that disappears (entity deleted, annotations removed or
 * no longer valid) is dropped at the next refresh: it is no longer offered,
 * new requests naming it are refused, and new kubeconfigs leave it out. Its
 * namespaces are not touched: they stay on the cluster, and approved
 * requests and reconciliation for it fail and are retried until it comes
 * back. A catalog that cannot be read keeps the last list.
 */
export class LiveClusterDirectory implements ClusterDirectory {
  private fromCatalog: ClusterSettings[] = [];
  private reported = new Set<string>();

  constructor(
    private readonly options: {
      sources: ClusterSources;
      logger: LoggerService;
      catalog?: Pick<CatalogService, 'getEntities'>;
      auth?: Pick<AuthService, 'getOwnServiceCredentials'>;
      resolve?: Resolve;
    },
  ) {
    for (const name of options.sources.skipTlsVerifyIgnored) {
      options.logger.warn(
        `Cluster ${name}: skipTLSVerify in kubernetes.clusterLocatorMethods is ignored; Cluster Access always verifies the API server's certificate`,
      );
    }
  }

  list(): ClusterSettings[] {
    return [...this.options.sources.clusters, ...this.fromCatalog];
  }

  get(name: string): ClusterSettings | undefined {
    return this.list().find(c => c.name === name);
  }

  /** Whether catalog clusters are read at all. */
  get readsCatalog(): boolean {
    return !!this.options.sources.catalog;
  }

  /** Reads the catalog's clusters again; throws (keeping the last list) when it cannot. */
  async refresh(): Promise<void> {
    const { sources, catalog, auth } = this.options;
    if (!sources.catalog || !catalog || !auth) return;
    const { items } = await catalog.getEntities(
      { filter: catalogClusterFilter() },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const results = await Promise.all(
      items.map(e =>
        catalogCluster(e, sources.catalog!.allowedHosts, this.options.resolve),
      ),
    );
    const problems: string[] = [];
    const next = this.accept(results, problems);
    this.report(problems);
    this.logChanges(next);
    this.fromCatalog = next;
  }

  private accept(
    results: CatalogClusterResult[],
    problems: string[],
  ): ClusterSettings[] {
    const configNames = new Set(this.options.sources.clusters.map(c => c.name));
    const found = new Map<
      string,
      { cluster: ClusterSettings; ref: string }[]
    >();
    for (const result of results) {
      if ('problem' in result) {
        problems.push(`${result.ref} is not used: ${result.problem}`);
      } else if (configNames.has(result.cluster.name)) {
        problems.push(
          `${result.ref} is not used: a cluster named ${result.cluster.name} is declared in config`,
        );
      } else {
        const same = found.get(result.cluster.name) ?? [];
        found.set(result.cluster.name, [...same, result]);
      }
    }
    const overrides = this.options.sources.catalog?.overrides ?? [];
    const accepted: ClusterSettings[] = [];
    for (const [name, candidates] of found) {
      if (candidates.length > 1) {
        // Fail closed: which entity is the real cluster cannot be told.
        problems.push(
          `${candidates
            .map(c => c.ref)
            .join(
              ' and ',
            )} are not used: they declare the same cluster ${name}`,
        );
        continue;
      }
      const override = overrides.find(o => o.name === name);
      const { cluster } = candidates[0];
      accepted.push(override ? applyOverride(cluster, override) : cluster);
    }
    for (const override of overrides) {
      if (!found.has(override.name)) {
        problems.push(
          `clusterAccess.clusters entry ${override.name} waits for a catalog kubernetes-cluster Resource of that name`,
        );
      }
    }
    return accepted;
  }

  /** Logs each problem when it starts, not at every refresh. */
  private report(problems: string[]) {
    for (const problem of problems) {
      if (!this.reported.has(problem)) {
        this.options.logger.warn(`Catalog clusters: ${problem}`);
      }
    }
    this.reported = new Set(problems);
  }

  private logChanges(next: ClusterSettings[]) {
    const before = new Set(this.fromCatalog.map(c => c.name));
    const after = new Set(next.map(c => c.name));
    for (const name of after) {
      if (!before.has(name)) {
        this.options.logger.info(`Catalog cluster ${name} is now offered`);
      }
    }
    for (const name of before) {
      if (!after.has(name)) {
        this.options.logger.warn(
          `Catalog cluster ${name} is gone from the catalog: it is no longer offered; its namespaces stay, and work on them waits until it returns`,
        );
      }
    }
  }
}

/** A directory of config clusters only (tests, tools). */
export function staticClusterDirectory(
  clusters: ClusterSettings[],
): ClusterDirectory {
  return {
    list: () => clusters,
    get: name => clusters.find(c => c.name === name),
  };
}
