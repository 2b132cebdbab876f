import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  ClusterCredentials,
  ClusterSettings,
} from '@cluster-access/plugin-cluster-access-node';
import { readPemFile } from './certificates';
import { readKubernetesPluginClusters } from './kubernetesClusters';

/**
 * A `clusterAccess.clusters` entry for a cluster the catalog declares: what
 * Cluster Access adds to (or puts over) the catalog's entity once it is
 * found.
 */
export interface ClusterOverride {
  name: string;
  title?: string;
  caPem?: string;
  credentials?: ClusterCredentials;
}

/** Reading catalog `kubernetes-cluster` Resources as clusters. */
export interface CatalogClustersSettings {
  /** How often the catalog is read again. */
  refreshFrequency: HumanDuration;
  /** Host patterns (`*.example.com`) whose API servers may be non-public. */
  allowedHosts: string[];
  /** Entries of `clusterAccess.clusters` that wait for a catalog cluster. */
  overrides: ClusterOverride[];
}

/** Every source of clusters the configuration names. */
export interface ClusterSources {
  /** Clusters declared in config, with their `clusterAccess.clusters` entries applied. */
  clusters: ClusterSettings[];
  /** Undefined when catalog clusters are not read. */
  catalog?: CatalogClustersSettings;
  /** Names of config clusters whose `skipTLSVerify` is ignored. */
  skipTlsVerifyIgnored: string[];
  /** The tiers each `clusterAccess.clusters` entry that lists them offers. */
  tierBindings: Array<{ key: string; cluster: string; tiers: string[] }>;
}

/** Exactly one of two keys, or neither; the error names the entry. */
function oneOf(
  entry: Config,
  key: string,
  keys: [string, string],
): [string | undefined, string | undefined] {
  const values = keys.map(k => entry.getOptionalString(k)) as [
    string | undefined,
    string | undefined,
  ];
  if (values[0] && values[1]) {
    throw new Error(`${key}: set ${keys[0]} or ${keys[1]}, not both`);
  }
  return values;
}

function readCaPem(entry: Config, key: string): string | undefined {
  const [caFile, caData] = oneOf(entry, key, ['caFile', 'caData']);
  if (caFile) return readPemFile(caFile, `${key}.caFile`);
  return caData ? Buffer.from(caData, 'base64').toString('utf8') : undefined;
}

function readCredentials(
  entry: Config,
  key: string,
): ClusterCredentials | undefined {
  const [token, tokenFile] = oneOf(entry, key, [
    'serviceAccountToken',
    'serviceAccountTokenFile',
  ]);
  if (token) return { type: 'token', token };
  if (tokenFile) return { type: 'tokenFile', tokenFile };
  return undefined;
}

function readUrl(entry: Config, key: string): string | undefined {
  const url = entry.getOptionalString('url');
  if (url === undefined) return undefined;
  try {
    // eslint-disable-next-line no-new
    new URL(url);
  } catch {
    throw new Error(`${key}.url is not a URL: '${url}'`);
  }
  return url.replace(/\/+$/, '');
}

interface ClusterEntry extends ClusterOverride {
  url?: string;
  key: string;
  tiers?: string[];
}

function readEntry(entry: Config, index: number): ClusterEntry {
  const name = entry.getString('name');
  const key = `clusterAccess.clusters[${index}] (${name})`;
  const url = readUrl(entry, `clusterAccess.clusters[${index}]`);
  const title = entry.getOptionalString('title');
  const caPem = readCaPem(entry, key);
  const credentials = readCredentials(entry, key);
  const tiers = entry.getOptionalStringArray('tiers');
  return {
    name,
    key,
    ...(tiers ? { tiers } : {}),
    ...(title ? { title } : {}),
    ...(url ? { url } : {}),
    ...(caPem ? { caPem } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

function duplicateOf(names: string[]): string | undefined {
  return names.find((n, i) => names.indexOf(n) !== i);
}

/** The fields an entry sets, over the cluster it adds to. */
export function applyOverride(
  cluster: ClusterSettings,
  entry: ClusterOverride & { key?: string; tiers?: string[] },
): ClusterSettings {
  return {
    ...cluster,
    ...(entry.title ? { title: entry.title } : {}),
    ...(entry.caPem ? { caPem: entry.caPem } : {}),
    ...(entry.credentials ? { credentials: entry.credentials } : {}),
  };
}

function readCatalogSettings(
  config: Config,
  kubernetesCatalog: { allowedHosts: string[] } | undefined,
): Omit<CatalogClustersSettings, 'overrides'> | undefined {
  const key = 'clusterAccess.catalogClusters';
  const enabled =
    config.getOptionalBoolean(`${key}.enabled`) ?? !!kubernetesCatalog;
  if (!enabled) return undefined;
  const refreshFrequency = config.has(`${key}.refreshFrequency`)
    ? readDurationFromConfig(config, { key: `${key}.refreshFrequency` })
    : { minutes: 1 };
  if (durationToMilliseconds(refreshFrequency) <= 0) {
    throw new Error(`${key}.refreshFrequency must be a positive duration`);
  }
  return {
    refreshFrequency,
    allowedHosts: [
      ...(kubernetesCatalog?.allowedHosts ?? []),
      ...(config.getOptionalStringArray(`${key}.dangerouslyAllowClusterUrls`) ??
        []),
    ],
  };
}

/**
 * Every source of clusters: `kubernetes.clusterLocatorMethods` of type
 * `config`, the catalog (when a `type: catalog` locator is configured or
 * `clusterAccess.catalogClusters.enabled`), and `clusterAccess.clusters`,
 * whose entries add to a cluster of the same name or declare one of their
 * own (with `url`). `config` is the root.
 */
export function readClusters(config: Config): ClusterSources {
  const kubernetes = readKubernetesPluginClusters(config);
  const entries = (
    config.getOptionalConfigArray('clusterAccess.clusters') ?? []
  ).map(readEntry);
  const kubeDuplicate = duplicateOf(kubernetes.clusters.map(c => c.name));
  if (kubeDuplicate) {
    throw new Error(
      `kubernetes.clusterLocatorMethods: duplicate cluster name '${kubeDuplicate}'`,
    );
  }
  const duplicate = duplicateOf(entries.map(e => e.name));
  if (duplicate) {
    throw new Error(`clusterAccess.clusters: duplicate name '${duplicate}'`);
  }
  const catalog = readCatalogSettings(config, kubernetes.catalog);
  const byName = new Map(entries.map(e => [e.name, e]));
  const clusters = kubernetes.clusters.map(c => {
    const entry = byName.get(c.name);
    if (entry?.url && entry.url !== c.url) {
      throw new Error(
        `${entry.key}: url ${entry.url} differs from kubernetes.clusterLocatorMethods' ${c.url}; leave it out here`,
      );
    }
    return entry ? applyOverride(c, entry) : c;
  });
  const overrides: ClusterOverride[] = [];
  for (const entry of entries) {
    if (kubernetes.clusters.some(c => c.name === entry.name)) continue;
    const { key, url, tiers: _tiers, ...override } = entry;
    if (url) {
      clusters.push({ ...override, url });
    } else if (!catalog) {
      throw new Error(
        `${key} has no url, and no cluster of that name is in kubernetes.clusterLocatorMethods (type config) or the catalog (no type catalog locator)`,
      );
    } else if (override.credentials && !override.caPem) {
      // The catalog says where the API server is; the token must only ever
      // reach a server that proves, over TLS, to hold a certificate of the
      // CA configured here, whatever an entity's annotations say.
      throw new Error(
        `${key}: a catalog cluster gets a service-account token only with caFile or caData set here, so that the token goes to no server but one with a certificate from that CA`,
      );
    } else {
      overrides.push(override);
    }
  }
  return {
    clusters,
    ...(catalog ? { catalog: { ...catalog, overrides } } : {}),
    skipTlsVerifyIgnored: kubernetes.skipTlsVerifyIgnored,
    tierBindings: entries.flatMap(e =>
      e.tiers ? [{ key: e.key, cluster: e.name, tiers: e.tiers }] : [],
    ),
  };
}
