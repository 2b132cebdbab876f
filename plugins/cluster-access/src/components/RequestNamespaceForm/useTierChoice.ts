import { useState } from 'react';
import {
  NamespaceClusterInfo,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';

/** Whether namespaces of a tier can be made on a cluster. */
export function offers(tier: TierInfo, cluster: NamespaceClusterInfo): boolean {
  return tier.clusters.includes(cluster.name) && cluster.provisioning;
}

/**
 * The chosen tier (the first one at the start) and cluster. A cluster stays
 * chosen while the tier offers it; otherwise the first one the tier can be
 * made on is.
 */
export function useTierChoice(options: {
  tiers: TierInfo[];
  clusters: NamespaceClusterInfo[];
}) {
  const { tiers, clusters } = options;
  const [tierName, setTierName] = useState(tiers[0]?.name ?? '');
  const tier = tiers.find(t => t.name === tierName);
  const tierClusters = tier
    ? clusters.filter(c => tier.clusters.includes(c.name))
    : [];
  const [clusterChoice, setClusterChoice] = useState<string>();
  const cluster =
    tier && tierClusters.some(c => c.name === clusterChoice && offers(tier, c))
      ? clusterChoice!
      : tierClusters.find(c => tier && offers(tier, c))?.name ?? '';
  return {
    tierName,
    setTierName,
    tier,
    tierClusters,
    cluster,
    setCluster: setClusterChoice,
  };
}
