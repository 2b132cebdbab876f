import { Config, ConfigReader } from '@backstage/config';
import { readCertificates, readVault } from './certificates';
import { ClusterSources, readClusters } from './clusters';
import { readNamespaces } from './namespaces';
import { ClusterAccessSettings, NamespacesSettings } from './types';

/**
 * Narrows each tier to the clusters whose `clusterAccess.clusters` entry
 * lists it, when the entry lists tiers: a tier is offered on a cluster when
 * both the tier (`tiers[].clusters`) and the cluster (`clusters[].tiers`)
 * allow it, an unset list allowing everything.
 */
function bindTiers(
  namespaces: NamespacesSettings,
  bindings: ClusterSources['tierBindings'],
): NamespacesSettings {
  const names = namespaces.tiers.map(t => t.name);
  for (const binding of bindings) {
    const unknown = binding.tiers.filter(t => !names.includes(t));
    if (unknown.length > 0) {
      throw new Error(`${binding.key}: unknown tiers ${unknown.join(', ')}`);
    }
  }
  const allows = (cluster: string, tier: string) =>
    bindings.find(b => b.cluster === cluster)?.tiers.includes(tier) ?? true;
  return {
    ...namespaces,
    tiers: namespaces.tiers.map(t => ({
      ...t,
      clusters: t.clusters.filter(c => allows(c, t.name)),
    })),
  };
}

/**
 * Reads and checks the whole `clusterAccess` configuration once, including
 * the CA files it points to. Throws with a message naming the key on bad
 * config. Both features get their part of the one object it returns.
 *
 * @internal
 */
export function readClusterAccessSettings(
  config: Config,
): ClusterAccessSettings {
  const root = config.getOptionalConfig('clusterAccess');
  const sources = readClusters(config);
  // Tiers may name every cluster that can be given provisioning credentials:
  // those of config, and catalog clusters that have a clusterAccess.clusters
  // entry (credentials never come from the catalog).
  const provisionable = [
    ...sources.clusters.map(c => c.name),
    ...(sources.catalog?.overrides.map(o => o.name) ?? []),
  ];
  return {
    certificates: readCertificates(
      root?.getOptionalConfig('certificates') ?? new ConfigReader({}),
    ),
    vault: readVault(root?.getOptionalConfig('vault')),
    clusters: sources.clusters,
    clusterSources: sources,
    namespaces: bindTiers(
      readNamespaces(config, provisionable),
      sources.tierBindings,
    ),
  };
}
