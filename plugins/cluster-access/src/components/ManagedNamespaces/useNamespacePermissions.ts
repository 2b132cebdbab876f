import { usePermission } from '@backstage/plugin-permission-react';
import {
  clusterAccessNamespaceDeletePermission,
  clusterAccessNamespaceMembersManagePermission,
  ManagedNamespace,
} from '@cluster-access/plugin-cluster-access-common';
import { CurrentUser } from '../../hooks/useCurrentUser';
import { isSameEntityRef } from '../../lib/entityRefs';

/**
 * What the user may do to a namespace. The backend allows changes to members
 * of the owner Group that hold the permission; the UI hides the rest.
 */
export function useNamespacePermissions(user?: CurrentUser): {
  canManage: (ns: ManagedNamespace) => boolean;
  canDecommission: (ns: ManagedNamespace) => boolean;
} {
  const manage = usePermission({
    permission: clusterAccessNamespaceMembersManagePermission,
  });
  const remove = usePermission({
    permission: clusterAccessNamespaceDeletePermission,
  });
  const inOwnerGroup = (ns: ManagedNamespace) =>
    !!user?.groups.some(group => isSameEntityRef(group, ns.owner));
  return {
    canManage: ns => manage.allowed && inOwnerGroup(ns),
    canDecommission: ns =>
      remove.allowed &&
      inOwnerGroup(ns) &&
      !ns.pendingDecommissionRequestId &&
      ns.status !== 'decommissioning',
  };
}
