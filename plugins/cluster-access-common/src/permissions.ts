import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of namespace requests, used by conditional decisions on
 * {@link clusterAccessRequestApprovePermission}.
 *
 * @public
 */
export const CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE = 'cluster-access-request';

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
 * Ask for a namespace on behalf of a Group the user belongs to.
 *
 * @public
 */
export const clusterAccessRequestCreatePermission = createPermission({
  name: 'cluster-access.request.create',
  attributes: { action: 'create' },
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
 * Add or remove extra members of a managed namespace.
 *
 * @public
 */
export const clusterAccessNamespaceMembersManagePermission = createPermission({
  name: 'cluster-access.namespace.members.manage',
  attributes: { action: 'update' },
});

/**
 * Ask for a managed namespace to be decommissioned.
 *
 * @public
 */
export const clusterAccessNamespaceDeletePermission = createPermission({
  name: 'cluster-access.namespace.delete',
  attributes: { action: 'delete' },
});

/**
 * Every permission of the Cluster Access plugin, for the permission
 * framework's metadata and for policy authors.
 *
 * @public
 */
export const clusterAccessPermissions = [
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
