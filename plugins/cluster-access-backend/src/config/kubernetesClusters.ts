import { Config } from '@backstage/config';
import { ClusterSettings } from '@cluster-access/plugin-cluster-access-node';
import { readPemFile } from './certificates';

/**
 * What Cluster Access takes from the Kubernetes plugin's
 * `kubernetes.clusterLocatorMethods`: the clusters of `type: config`
 * entries, and whether (and how) catalog clusters are located.
 */
export interface KubernetesPluginClusters {
  clusters: ClusterSettings[];
  /** Set when a `type: catalog` locator is configured. */
  catalog?: {
    /** Its `dangerouslyAllowClusterUrls`: hosts that may be non-public. */
    allowedHosts: string[];
  };
  /** Names of clusters whose `skipTLSVerify` is ignored (we always verify). */
  skipTlsVerifyIgnored: string[];
}

function locatorKey(index: number): string {
  return `kubernetes.clusterLocatorMethods[${index}]`;
}

/**
 * One `clusters[]` entry of a `type: config` locator, read with the
 * Kubernetes plugin's field names (`ConfigClusterLocator`). Its
 * `serviceAccountToken` and `authProvider` are deliberately not used: they
 * are how the Kubernetes plugin reads clusters, not an account allowed to
 * provision namespaces; Cluster Access's own token is set in
 * `clusterAccess.clusters`.
 */
function readKubernetesCluster(entry: Config, key: string): ClusterSettings {
  const name = entry.getString('name');
  const url = entry.getString('url');
  try {
    // eslint-disable-next-line no-new
    new URL(url);
  } catch {
    throw new Error(`${key}.url is not a URL: '${url}'`);
  }
  const caFile = entry.getOptionalString('caFile');
  const caData = entry.getOptionalString('caData');
  // The Kubernetes plugin prefers caData when both are set; so do we.
  let caPem: string | undefined;
  if (caData) caPem = Buffer.from(caData, 'base64').toString('utf8');
  else if (caFile) caPem = readPemFile(caFile, `${key}.caFile`);
  const title = entry.getOptionalString('title');
  return {
    name,
    ...(title ? { title } : {}),
    url: url.replace(/\/+$/, ''),
    ...(caPem ? { caPem } : {}),
  };
}

/** Reads `kubernetes.clusterLocatorMethods`; `config` is the root. */
export function readKubernetesPluginClusters(
  config: Config,
): KubernetesPluginClusters {
  const methods = config.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  );
  const result: KubernetesPluginClusters = {
    clusters: [],
    skipTlsVerifyIgnored: [],
  };
  (methods ?? []).forEach((method, index) => {
    const type = method.getOptionalString('type');
    if (type === 'config') {
      method.getConfigArray('clusters').forEach((entry, i) => {
        const key = `${locatorKey(index)}.clusters[${i}]`;
        const cluster = readKubernetesCluster(entry, key);
        if (entry.getOptionalBoolean('skipTLSVerify')) {
          result.skipTlsVerifyIgnored.push(cluster.name);
        }
        result.clusters.push(cluster);
      });
    } else if (type === 'catalog') {
      result.catalog = {
        allowedHosts: [
          ...(result.catalog?.allowedHosts ?? []),
          ...(method.getOptionalStringArray('dangerouslyAllowClusterUrls') ??
            []),
        ],
      };
    }
  });
  return result;
}
