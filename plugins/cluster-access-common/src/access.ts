/**
 * The access view: who can get into a managed namespace, and why. Shared by
 * the backend (which records and serves it) and the pages (which say it in
 * sentences).
 */

/**
 * The subject of a RoleBinding, as Kubernetes names it.
 *
 * @public
 */
export interface AccessSubject {
  /** The RBAC subject kind. */
  kind: 'User' | 'Group' | 'ServiceAccount';
  /** Kubernetes user or group name, or the service account's name. */
  name: string;
  /** Namespace of a service account. */
  namespace?: string;
}

/**
 * The role an entry grants: a ClusterRole such as `edit`, or a Role of the
 * namespace.
 *
 * @public
 */
export interface AccessRole {
  /** `ClusterRole`, or `Role` for a Role of the namespace. */
  kind: 'ClusterRole' | 'Role';
  /** The role's name, e.g. `edit`. */
  name: string;
}

/**
 * How someone gets into a namespace: as a member of its owner Group, as an
 * extra member added through Cluster Access, or through a RoleBinding made
 * with kubectl (outside Cluster Access).
 *
 * @public
 */
export type AccessVia = 'group' | 'extra' | 'binding';

/**
 * Who the subject of a kubectl-made RoleBinding is to the namespace:
 * - `member`: a User who is a member of the owner Group,
 * - `extra`: a User who is an extra member,
 * - `owner-group`: the owner Group itself (its certificate group name),
 * - `own-service-account`: a service account of the namespace itself,
 * - `outsider`: anyone else (a person who is neither member nor extra,
 *   another Group, a service account of another namespace),
 * - `unknown`: the owner Group is missing from the catalog, so members
 *   cannot be told from others.
 *
 * @public
 */
export type AccessStanding =
  | 'member'
  | 'extra'
  | 'owner-group'
  | 'own-service-account'
  | 'outsider'
  | 'unknown';

/**
 * One way in to a managed namespace, as `GET /access` returns it.
 *
 * @public
 */
export interface NamespaceAccess {
  /** Name of the configured cluster. */
  cluster: string;
  /** The namespace's name in the cluster. */
  namespace: string;
  /** Owner Group entity ref of the namespace. */
  owner: string;
  /** Status of the namespace's request (`ready`, `provisioning`, ...). */
  status: string;
  /** How they get in. */
  via: AccessVia;
  /** Who is let in, as Kubernetes sees it. */
  subject: AccessSubject;
  /** User entity ref of the person, when the catalog knows who it is. */
  user?: string;
  /** What they may do: `edit` for members and extra members. */
  role: AccessRole;
  /**
   * Members and extra members: the roles of the RoleBindings Cluster Access
   * made for them (`edit` and the namespace's `rolebinding-manager` Role),
   * as applied by provisioning or a member change, then as the reconciler
   * last saw them in the cluster. Empty until one of them is applied: what
   * they hold, not what they should.
   */
  roles?: AccessRole[];
  /** `binding`: name of the RoleBinding made with kubectl. */
  binding?: string;
  /** `binding`: who the subject is to the namespace. */
  standing?: AccessStanding;
  /**
   * True when the entry lets in someone who is neither a member nor an
   * extra member (standing `outsider`): shown as a warning, and removed by
   * tiers whose `nonMemberBindings` is `remove`.
   */
  flagged: boolean;
  /** `extra`: entity ref of the user who added them. */
  addedBy?: string;
  /** `extra`: ISO 8601 time they were added. */
  addedAt?: string;
  /** `extra`: ISO 8601 time their access ends, in tiers with a maximum lifetime. */
  expiresAt?: string;
  /** `binding`: ISO 8601 time the reconciler first saw the binding. */
  since?: string;
}
