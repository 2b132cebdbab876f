import { stringify } from 'yaml';
import { ClusterInfo } from './types';

/*
 * What the kubeconfig builders share: entry names, the checks on clusters and
 * the file around the users. Internal (the index does not export this
 * module); kubeconfigNames is public through ./kubeconfig.
 */

/**
 * Names of the kubeconfig entries for one cluster.
 *
 * @public
 */
export interface KubeconfigNames {
  /** Name of the `clusters` entry: the cluster's name. */
  cluster: string;
  /** Name of the `contexts` entry: the cluster's name. */
  context: string;
  /** Name of the `users` entry: `<username>@<cluster>`. */
  user: string;
}

/**
 * The kubeconfig entry names {@link buildKubeconfig} uses for a cluster: the
 * cluster and context are named after the cluster, the user
 * `<username>@<cluster>`. One user per cluster (rather than one shared user)
 * keeps every context self-contained, so deleting or replacing one cluster's
 * entries never breaks another, and a plain `<username>` entry that the
 * user's existing kubeconfig may hold for other clusters is never overwritten
 * by a merge.
 *
 * @public
 */
export function kubeconfigNames(options: {
  username: string;
  cluster: string;
}): KubeconfigNames {
  const { username, cluster } = options;
  return { cluster, context: cluster, user: `${username}@${cluster}` };
}

/**
 * The kubeconfig around a user entry: one cluster, context and user per
 * cluster (names from {@link kubeconfigNames}), keys in the order
 * `kubectl config view` prints them, no line folding and unindented
 * sequences, like kubectl. Shared by the embedded and the exec variants so
 * the two files differ only in their users.
 */
export function assembleKubeconfig(options: {
  username: string;
  clusters: ClusterInfo[];
  currentCluster: string;
  user: Record<string, unknown>;
}): string {
  const { username, clusters, currentCluster, user } = options;
  const entries = clusters.map(cluster => ({
    cluster,
    names: kubeconfigNames({ username, cluster: cluster.name }),
  }));
  const config = {
    apiVersion: 'v1',
    clusters: entries.map(({ cluster, names }) => ({
      cluster: {
        ...(cluster.certificateAuthorityData
          ? { 'certificate-authority-data': cluster.certificateAuthorityData }
          : {}),
        server: cluster.server,
      },
      name: names.cluster,
    })),
    contexts: entries.map(({ names }) => ({
      context: { cluster: names.cluster, user: names.user },
      name: names.context,
    })),
    'current-context': kubeconfigNames({ username, cluster: currentCluster })
      .context,
    kind: 'Config',
    preferences: {},
    users: entries.map(({ names }) => ({ name: names.user, user })),
  };
  // Every user entry is the same object: write it out in full each time
  // rather than as a YAML alias, which kubectl reads but people do not expect.
  return stringify(config, {
    lineWidth: 0,
    indentSeq: false,
    aliasDuplicateObjects: false,
  });
}

/**
 * The cluster checks {@link buildKubeconfig} makes (kept there as they were),
 * for its exec variant; returns the name of the current cluster.
 */
export function checkClusters(
  clusters: ClusterInfo[],
  currentCluster?: string,
) {
  if (clusters.length === 0) {
    throw new Error('A kubeconfig needs at least one cluster');
  }
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (!cluster.name) {
      throw new Error('Every cluster needs a name');
    }
    if (seen.has(cluster.name)) {
      throw new Error(`Cluster '${cluster.name}' is listed twice`);
    }
    seen.add(cluster.name);
  }
  const current = currentCluster ?? clusters[0].name;
  if (!seen.has(current)) {
    throw new Error(`Unknown current cluster '${current}'`);
  }
  return current;
}
