import { NamespaceAccess } from '@cluster-access/plugin-cluster-access-common';
import { namespaceKey } from '../../lib/namespaces';
import { heldRoles } from '../NamespaceAccess/accessLines';

/** One namespace the signed-in user can use, with every way they get in. */
export interface MyNamespace {
  key: string;
  cluster: string;
  namespace: string;
  status: NamespaceAccess['status'];
  owner: string;
  ways: NamespaceAccess[];
}

/** One cluster and the namespaces the user can use on it. */
export interface MyCluster {
  cluster: string;
  namespaces: MyNamespace[];
}

/**
 * The user's ways in (`GET /access?mine=true`), per cluster and namespace,
 * in the order the backend sorts them (cluster, namespace, how).
 */
export function groupMyAccess(entries: NamespaceAccess[]): MyCluster[] {
  const clusters = new Map<string, Map<string, MyNamespace>>();
  for (const entry of entries) {
    const byNamespace = clusters.get(entry.cluster) ?? new Map();
    clusters.set(entry.cluster, byNamespace);
    const key = namespaceKey(entry.cluster, entry.namespace);
    const found = byNamespace.get(key) ?? {
      key,
      cluster: entry.cluster,
      namespace: entry.namespace,
      status: entry.status,
      owner: entry.owner,
      ways: [],
    };
    found.ways.push(entry);
    byNamespace.set(key, found);
  }
  return [...clusters].map(([cluster, namespaces]) => ({
    cluster,
    namespaces: [...namespaces.values()],
  }));
}

/**
 * The roles one way in gives, in words: for members and extra members the
 * RoleBindings the cluster holds for them (`edit`, and the
 * `rolebinding-manager` Role that lets them bind others to `edit` or
 * `view`), none until one is applied; a kubectl-made binding's own.
 */
export function rolesOf(entry: NamespaceAccess): string[] {
  return heldRoles(entry).map(({ kind, name }) => {
    if (name === 'rolebinding-manager' && kind === 'Role') {
      return 'binding manager';
    }
    return kind === 'ClusterRole' ? name : `Role ${name}`;
  });
}
