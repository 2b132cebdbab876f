import {
  RequestableTier,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { NamespaceRequestResource } from './permissionRules';

/**
 * Where a user may request a namespace of each tier: for every cluster of the
 * tier, the user's Groups for which `allows` (the policy's decision on
 * `cluster-access.request.create`, evaluated for that tier, cluster and
 * owner) holds. Only clusters with at least one such Group are listed.
 */
export function requestableTiers(options: {
  tiers: TierInfo[];
  /** Names of the configured clusters. */
  clusters: string[];
  /** Group entity refs the user is a direct member of (as filing checks). */
  groups: string[];
  allows: (resource: NamespaceRequestResource) => boolean;
}): RequestableTier[] {
  const { tiers, clusters, groups, allows } = options;
  return tiers.map(tier => ({
    ...tier,
    requestable: tier.clusters
      .filter(cluster => clusters.includes(cluster))
      .map(cluster => ({
        cluster,
        owners: groups.filter(owner =>
          allows({ tier: tier.name, cluster, owner }),
        ),
      }))
      .filter(entry => entry.owners.length > 0),
  }));
}
