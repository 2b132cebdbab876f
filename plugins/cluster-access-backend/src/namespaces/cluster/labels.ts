/**
 * The labels and annotations Cluster Access puts on what it creates. The
 * managed-by label is how the reconciler finds its objects with one list per
 * kind, and, with the request-id annotation, how the provisioner tells its own
 * namespace from one it must never adopt.
 */

/** Field manager of every server-side apply the backend makes. */
export const FIELD_MANAGER = 'cluster-access';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'backstage-cluster-access';
/** Label selector that matches everything the backend manages. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

const PREFIX = 'cluster-access.backstage.io';
/** Owner Group entity name (label-safe form). */
export const OWNER_GROUP_LABEL = `${PREFIX}/owner-group`;
export const TIER_LABEL = `${PREFIX}/tier`;
/** On RoleBindings: `edit` or `rolebinding-manager`. */
export const BINDING_ROLE_LABEL = `${PREFIX}/binding`;

export const REQUEST_ID_ANNOTATION = `${PREFIX}/request-id`;
export const REQUESTER_ANNOTATION = `${PREFIX}/requester`;
/** Owner Group entity ref. */
export const OWNER_ANNOTATION = `${PREFIX}/owner`;
/** On RoleBindings: the member's user entity ref. */
export const USER_ANNOTATION = `${PREFIX}/user`;
/** Backstage's own annotation for the owning entity, for tools that read it. */
export const BACKSTAGE_OWNER_ANNOTATION = 'backstage.io/owner';

export const PSA_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
export const PSA_WARN_LABEL = 'pod-security.kubernetes.io/warn';

/** Keys a tier's extra labels and annotations must not set. */
export const RESERVED_LABEL_PREFIXES = [
  `${PREFIX}/`,
  MANAGED_BY_LABEL,
  'pod-security.kubernetes.io/',
  'kubernetes.io/',
  'k8s.io/',
  BACKSTAGE_OWNER_ANNOTATION,
];

/** Names of the objects inside each managed namespace. */
export const OBJECT_NAMES = {
  limitRange: 'cluster-access-defaults',
  resourceQuota: 'cluster-access-quota',
  networkPolicy: 'cluster-access-isolation',
  bindingManagerRole: 'rolebinding-manager',
};
