import { permissionApiRef } from '@backstage/plugin-permission-react';
import { useApi } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  clusterAccessNamespaceDeletePermission,
  clusterAccessNamespaceMembersManagePermission,
  ManagedNamespace,
} from '@cluster-access/plugin-cluster-access-common';
import useAsync from 'react-use/esm/useAsync';
import { CurrentUser } from '../../hooks/useCurrentUser';
import { isSameEntityRef } from '../../lib/entityRefs';

/**
 * What the user may do to each namespace. Both permissions are resource
 * permissions decided on the request that made the namespace (a policy may
 * allow dev but not prod), so each namespace is asked about by its request
 * id; the permission API batches the questions. The backend allows changes
 * to members of the owner Group that hold the permission; the UI hides the
 * rest.
 */
export function useNamespacePermissions(
  user: CurrentUser | undefined,
  namespaces: ManagedNamespace[],
): {
  canManage: (ns: ManagedNamespace) => boolean;
  canDecommission: (ns: ManagedNamespace) => boolean;
} {
  const permissionApi = useApi(permissionApiRef);
  const inOwnerGroup = (ns: ManagedNamespace) =>
    !!user?.groups.some(group => isSameEntityRef(group, ns.owner));
  // Only the owner Group's namespaces can be changed: nothing to ask for others.
  const ids = [
    ...new Set(namespaces.filter(inOwnerGroup).map(ns => ns.requestId)),
  ].sort();
  const decisions = useAsync(async () => {
    const allowed = new Set<string>();
    const permissions = [
      clusterAccessNamespaceMembersManagePermission,
      clusterAccessNamespaceDeletePermission,
    ];
    await Promise.all(
      ids.flatMap(id =>
        permissions.map(async permission => {
          const { result } = await permissionApi.authorize({
            permission,
            resourceRef: id,
          });
          if (result === AuthorizeResult.ALLOW) {
            allowed.add(`${permission.name} ${id}`);
          }
        }),
      ),
    );
    return allowed;
  }, [permissionApi, ids.join(',')]);
  const allows = (name: string, ns: ManagedNamespace) =>
    inOwnerGroup(ns) && !!decisions.value?.has(`${name} ${ns.requestId}`);
  return {
    canManage: ns =>
      allows(clusterAccessNamespaceMembersManagePermission.name, ns),
    canDecommission: ns =>
      allows(clusterAccessNamespaceDeletePermission.name, ns) &&
      !ns.pendingDecommissionRequestId &&
      ns.status !== 'decommissioning',
  };
}
