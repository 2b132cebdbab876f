import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of namespace requests. The four namespace permissions are
 * resource permissions of this type, so that a policy can decide by tier,
 * cluster or owner Group with conditional decisions: on the request being
 * filed (create), the request being decided (approve), or the request behind
 * the managed namespace (members manage, delete).
 *
 * @public
 */
export const CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE = 'cluster-access-request';

/**
 * Read the history: who asked for what, who decided, what changed
 * (`GET /history`). A basic permission that every policy allowing by
 * default allows, so the history stays public to every signed-in user
 * unless an operator's policy denies it.
 *
 * @public
 */
export const clusterAccessHistoryReadPermission = createPermission({
  name: 'cluster-access.history.read',
  attributes: { action: 'read' },
});

/**
 * Read namespace requests, managed namespaces, their members and who can get
 * in (`GET /requests`, `/requests/{id}`, `/requests/{id}/manifests`,
 * `/namespaces`, `/access`). A basic permission that every policy allowing
 * by default allows; an operator's policy may deny it.
 *
 * @public
 */
export const clusterAccessNamespaceReadPermission = createPermission({
  name: 'cluster-access.namespace.read',
  attributes: { action: 'read' },
});

/**
 * Issue a Kubernetes client certificate for the signed-in user.
 *
 * @public
 */
export const clusterAccessCertificateCreatePermission = createPermission({
  name: 'cluster-access.certificate.create',
  attributes: { action: 'create' },
});

/**
 * Ask for a namespace on behalf of a Group the user belongs to. A resource
 * permission: conditions are checked against the request being filed (its
 * tier, cluster and owner), e.g. "only the platform team may request prod".
 *
 * @public
 */
export const clusterAccessRequestCreatePermission = createPermission({
  name: 'cluster-access.request.create',
  attributes: { action: 'create' },
  resourceType: CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Approve or reject a pending namespace request. A resource permission, so that
 * policies can decide per tier, cluster or owner with conditional decisions.
 *
 * @public
 */
export const clusterAccessRequestApprovePermission = createPermission({
  name: 'cluster-access.request.approve',
  attributes: { action: 'update' },
  resourceType: CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Add or remove extra members of a managed namespace. A resource permission:
 * conditions are checked against the namespace's tier, cluster and owner.
 *
 * @public
 */
export const clusterAccessNamespaceMembersManagePermission = createPermission({
  name: 'cluster-access.namespace.members.manage',
  attributes: { action: 'update' },
  resourceType: CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Ask for a managed namespace to be decommissioned. A resource permission:
 * conditions are checked against the namespace's tier, cluster and owner.
 *
 * @public
 */
export const clusterAccessNamespaceDeletePermission = createPermission({
  name: 'cluster-access.namespace.delete',
  attributes: { action: 'delete' },
  resourceType: CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE,
});

/**
 * Every permission of the Cluster Access plugin, for the permission
 * framework's metadata and for policy authors.
 *
 * @public
 */
export const clusterAccessPermissions = [
  clusterAccessHistoryReadPermission,
  clusterAccessNamespaceReadPermission,
  clusterAccessCertificateCreatePermission,
  clusterAccessRequestCreatePermission,
  clusterAccessRequestApprovePermission,
  clusterAccessNamespaceMembersManagePermission,
  clusterAccessNamespaceDeletePermission,
];

/**
 * True for any permission that belongs to the Cluster Access plugin.
 *
 * @public
 */
export function isClusterAccessPermission(permission: {
  name: string;
}): boolean {
  return permission.name.startsWith('cluster-access.');
}
