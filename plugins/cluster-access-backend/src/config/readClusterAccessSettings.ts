import { Config, ConfigReader } from '@backstage/config';
import { readCertificates, readVault } from './certificates';
import { readClusters } from './clusters';
import { readNamespaces } from './namespaces';
import { ClusterAccessSettings } from './types';

/**
 * Reads and checks the whole `clusterAccess` configuration once, including
 * the CA files it points to. Throws with a message naming the key on bad
 * config. Both features get their part of the one object it returns.
 *
 * @public
 */
export function readClusterAccessSettings(
  config: Config,
): ClusterAccessSettings {
  const root = config.getOptionalConfig('clusterAccess');
  const clusters = readClusters(root?.getOptionalConfigArray('clusters'));
  return {
    certificates: readCertificates(
      root?.getOptionalConfig('certificates') ?? new ConfigReader({}),
    ),
    vault: readVault(root?.getOptionalConfig('vault')),
    clusters,
    namespaces: readNamespaces(
      config,
      clusters.map(c => c.name),
    ),
  };
}
