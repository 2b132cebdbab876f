import { useState } from 'react';
import {
  NamespaceClusterInfo,
  RequestableTier,
} from '@cluster-access/plugin-cluster-access-common';

/**
 * Whether the user may request a namespace of the tier on the cluster for
 * the owner (any of theirs while none is chosen), as the backend reported.
 */
export function mayRequest(
  tier: RequestableTier,
  cluster: string,
  owner: string,
): boolean {
  return tier.requestable.some(
    r => r.cluster === cluster && (!owner || r.owners.includes(owner)),
  );
}

/** Whether namespaces of a tier can be made on a cluster for the owner now. */
export function offers(
  tier: RequestableTier,
  cluster: NamespaceClusterInfo,
  owner: string,
): boolean {
  return cluster.provisioning && mayRequest(tier, cluster.name, owner);
}

/**
 * The chosen tier and cluster, among those the user may request for the
 * owner: the first tier at the start, or when the owner changes to one that
 * may not have the chosen tier. A cluster stays chosen while it is offered;
 * otherwise the first one that is.
 */
export function useTierChoice(options: {
  tiers: RequestableTier[];
  clusters: NamespaceClusterInfo[];
  owner: string;
}) {
  const { tiers, clusters, owner } = options;
  const offeredTiers = tiers.filter(t =>
    clusters.some(c => mayRequest(t, c.name, owner)),
  );
  const [tierChoice, setTierName] = useState(offeredTiers[0]?.name ?? '');
  const tier = offeredTiers.find(t => t.name === tierChoice) ?? offeredTiers[0];
  const tierClusters = tier
    ? clusters.filter(c => mayRequest(tier, c.name, owner))
    : [];
  const [clusterChoice, setClusterChoice] = useState<string>();
  const cluster =
    tier &&
    tierClusters.some(c => c.name === clusterChoice && offers(tier, c, owner))
      ? clusterChoice!
      : tierClusters.find(c => tier && offers(tier, c, owner))?.name ?? '';
  return {
    offeredTiers,
    tierName: tier?.name ?? '',
    setTierName,
    tier,
    tierClusters,
    cluster,
    setCluster: setClusterChoice,
  };
}
