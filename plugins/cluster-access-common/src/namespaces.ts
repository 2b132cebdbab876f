/**
 * Namespace names, naming rules, tiers and managed namespaces: pure helpers
 * and types shared by the backend (which enforces them) and the page (which
 * shows them while the user types).
 */

/**
 * Longest Kubernetes namespace name: a DNS-1123 label.
 *
 * @public
 */
export const MAX_NAMESPACE_NAME_LENGTH = 63;

/**
 * Namespaces that exist on every cluster and are never handed out.
 *
 * @public
 */
export const RESERVED_NAMESPACE_NAMES: readonly string[] = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

/**
 * Prefixes that belong to the platform (Kubernetes itself and common
 * distributions); a requested namespace never starts with one.
 *
 * @public
 */
export const RESERVED_NAMESPACE_PREFIXES: readonly string[] = [
  'kube-',
  'openshift-',
];

/**
 * The placeholders a tier's `namingPattern` may use.
 *
 * - `{group}`: the entity name of the owner Group (e.g. `payments`),
 * - `{tier}`: the tier's name (e.g. `dev`),
 * - `{suffix}`: a free part the requester chooses (a DNS-1123 label fragment).
 *
 * @public
 */
export const NAMING_PATTERN_PLACEHOLDERS = ['group', 'tier', 'suffix'] as const;

/**
 * The naming rule used when a tier configures none.
 *
 * @public
 */
export const DEFAULT_NAMING_PATTERN = '{group}-{suffix}-{tier}';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUFFIX_FRAGMENT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/**
 * The problems with a namespace name as Kubernetes and the platform see it
 * (DNS-1123 label, length, reserved names and prefixes), independent of any
 * tier. Empty when the name is acceptable.
 *
 * @public
 */
export function namespaceNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) {
    return ['must not be empty'];
  }
  if (name.length > MAX_NAMESPACE_NAME_LENGTH) {
    problems.push(
      `must be at most ${MAX_NAMESPACE_NAME_LENGTH} characters (has ${name.length})`,
    );
  }
  if (!DNS1123_LABEL.test(name)) {
    problems.push(
      'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
    );
  }
  if (RESERVED_NAMESPACE_NAMES.includes(name)) {
    problems.push(`"${name}" is reserved`);
  } else {
    const prefix = RESERVED_NAMESPACE_PREFIXES.find(p => name.startsWith(p));
    if (prefix) {
      problems.push(`must not start with the reserved prefix "${prefix}"`);
    }
  }
  return problems;
}

/**
 * True when a naming pattern only uses known placeholders and otherwise
 * characters that may appear in a namespace name.
 *
 * @public
 */
export function isValidNamingPattern(pattern: string): boolean {
  const withoutPlaceholders = pattern.replace(/\{(group|tier|suffix)\}/g, 'x');
  return (
    pattern.length > 0 &&
    !/[{}]/.test(withoutPlaceholders) &&
    /^[a-z0-9-]+$/.test(withoutPlaceholders)
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The form of a Group's entity name used for `{group}` in naming patterns:
 * lowercase, every run of characters outside `a-z 0-9` as one `-`, no
 * leading or trailing `-` (entity names may contain `.`, `_` and capitals,
 * namespace names may not).
 *
 * @public
 */
export function namespaceNamePart(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Whether `name` follows a tier's naming pattern for the given owner Group
 * name and tier. `{suffix}` matches any non-empty DNS-1123 label fragment.
 *
 * @public
 */
export function matchesNamingPattern(options: {
  name: string;
  pattern: string;
  group: string;
  tier: string;
}): boolean {
  const { name, pattern, group, tier } = options;
  const regex = pattern
    .split(/(\{group\}|\{tier\}|\{suffix\})/)
    .map(part => {
      if (part === '{group}') return escapeRegExp(group);
      if (part === '{tier}') return escapeRegExp(tier);
      if (part === '{suffix}') return SUFFIX_FRAGMENT;
      return escapeRegExp(part);
    })
    .join('');
  return new RegExp(`^${regex}$`).test(name);
}

/**
 * Fills in a naming pattern, e.g. for a suggestion in a form. The result is
 * not checked: pass it to {@link namespaceNameProblems}.
 *
 * @public
 */
export function renderNamingPattern(options: {
  pattern: string;
  group: string;
  tier: string;
  suffix: string;
}): string {
  return options.pattern
    .replace(/\{group\}/g, options.group)
    .replace(/\{tier\}/g, options.tier)
    .replace(/\{suffix\}/g, options.suffix);
}

/**
 * How requests of a tier are decided: `none` approves them at once,
 * `required` waits for an approver.
 *
 * @public
 */
export type TierApproval = 'none' | 'required';

/**
 * Pod Security Admission levels.
 *
 * @public
 */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/**
 * What happens to RoleBindings made with kubectl for people who are neither
 * members nor extra members of a namespace: `report` (flag them) or `remove`
 * (delete them at the next reconcile).
 *
 * @public
 */
export type NonMemberBindingsPolicy = 'report' | 'remove';

/**
 * Default requests and limits of containers in a namespace (a LimitRange of
 * type Container).
 *
 * @public
 */
export interface LimitRangeDefaults {
  /** Limits of containers that set none, e.g. `{ cpu: '500m', memory: '512Mi' }`. */
  default?: Record<string, string>;
  /** Requests of containers that set none. */
  defaultRequest?: Record<string, string>;
  /** Largest limits a container may set. */
  max?: Record<string, string>;
  /** Smallest requests a container may set. */
  min?: Record<string, string>;
  /** Largest ratio of limit to request a container may have, e.g. `{ cpu: '4' }`. */
  maxLimitRequestRatio?: Record<string, string>;
}

/**
 * A tier as `GET /tiers` returns it: what a namespace of this tier gets.
 *
 * @public
 */
export interface TierInfo {
  /** Short name, a DNS label such as `dev`; `{tier}` in naming patterns and the tier label. */
  name: string;
  /** Human-readable name; the name when none is configured. */
  title: string;
  /** What the tier is for, shown when requesting; absent when none is configured. */
  description?: string;
  /** Whether a request of this tier is approved at once or waits for an approver. */
  approval: TierApproval;
  /** Names of the clusters the tier is offered on. */
  clusters: string[];
  /** Naming rule, with the placeholders of {@link NAMING_PATTERN_PLACEHOLDERS}. */
  namingPattern: string;
  /** `spec.hard` of the namespace's ResourceQuota. */
  resourceQuota: Record<string, string>;
  /** Container defaults of the namespace's LimitRange; `{}` (and no LimitRange) when none are configured. */
  limitRange: LimitRangeDefaults;
  /** Whether the namespace gets the default NetworkPolicy (ingress only from itself). */
  networkPolicy: boolean;
  /**
   * The namespace's `pod-security.kubernetes.io/enforce` and `/warn` labels;
   * by default `baseline` and `restricted`.
   */
  podSecurity: { enforce: PodSecurityLevel; warn: PodSecurityLevel };
  /** Extra labels of the Namespace object. */
  labels: Record<string, string>;
  /** Extra annotations of the Namespace object. */
  annotations: Record<string, string>;
  /**
   * What the reconciler does with RoleBindings made with kubectl for people
   * who are neither members nor extra members: `report` flags them in the
   * access view and the history, `remove` deletes them.
   */
  nonMemberBindings: NonMemberBindingsPolicy;
  /**
   * How long an extra member keeps access after being added; then they must
   * be added again. Absent: no limit.
   */
  extraMemberMaxLifetimeSeconds?: number;
  /**
   * Catalog Groups and Users (entity refs) told when a request of this tier
   * waits for a decision. Who may decide is the permission policy's call;
   * this only says whom to tell. Absent or empty: nobody is told.
   */
  approvers?: string[];
}

/**
 * A cluster where the signed-in user may request a namespace of a tier, and
 * the Groups they may request it for.
 *
 * @public
 */
export interface RequestableCluster {
  /** The cluster's name, as in `GET /clusters`. */
  cluster: string;
  /** Group entity refs: the user's own Groups the policy allows as owners. */
  owners: string[];
}

/**
 * A tier as `GET /tiers` returns it to the signed-in user: the tier and where
 * that user may request a namespace of it. The backend still checks every
 * request; this is so that a form offers only what would be allowed.
 *
 * @public
 */
export interface RequestableTier extends TierInfo {
  /** Clusters with at least one allowed owner; empty when the user may request none. */
  requestable: RequestableCluster[];
}

/**
 * A cluster as `GET /clusters` returns it, for namespace requests.
 *
 * @public
 */
export interface NamespaceClusterInfo {
  /** The cluster's short name, as requests name it. */
  name: string;
  /** Human-readable name; absent when none is configured. */
  title?: string;
  /** API server URL. */
  server: string;
  /** Whether the backend has credentials to create namespaces there. */
  provisioning: boolean;
  /** Tiers offered on this cluster. */
  tiers: string[];
}

/**
 * Whether a request asks for a new namespace or for an existing one to be
 * deleted.
 *
 * @public
 */
export type NamespaceRequestKind = 'create' | 'decommission';

/**
 * One resource of a namespace's ResourceQuota: the hard limit and what is
 * used, as the cluster reports them.
 *
 * @public
 */
export interface QuotaUsage {
  /** Resource name as in the ResourceQuota, e.g. `requests.cpu` or `pods`. */
  resource: string;
  /** The hard limit, a Kubernetes quantity such as `2` or `4Gi`. */
  hard: string;
  /** Absent when the cluster has not computed usage yet. */
  used?: string;
}

/**
 * Someone with access to a managed namespace.
 *
 * @public
 */
export interface NamespaceMember {
  /** User entity ref. */
  user: string;
  /** The Kubernetes user name bound in the namespace. */
  username: string;
  /** `group`: a member of the owner Group; `extra`: added by hand. */
  source: 'group' | 'extra';
  /** Extra members: entity ref of the user who added them. */
  addedBy?: string;
  /** Extra members: ISO 8601 time they were added. */
  addedAt?: string;
  /** Extra members of a tier with a maximum lifetime: ISO 8601 time their access ends. */
  expiresAt?: string;
}

/**
 * A namespace the backend manages, as `GET /namespaces` returns it.
 *
 * @public
 */
export interface ManagedNamespace {
  /** Name of the cluster the namespace is on. */
  cluster: string;
  /** The namespace's name in the cluster. */
  name: string;
  /** Owner Group entity ref. */
  owner: string;
  /** Name of the tier it was requested in. */
  tier: string;
  /** The request that created it. */
  requestId: string;
  /** Status of that request (`provisioning`, `ready`, `failed`, `decommissioning`). */
  status: string;
  /** Entity ref of the user who asked for it. */
  requester: string;
  /** ISO 8601 time the request that created it was filed. */
  createdAt: string;
  /** Members of the owner Group, as the catalog says now, and extra members. */
  members: NamespaceMember[];
  /** Quota usage; absent when the cluster could not be read. */
  quota?: QuotaUsage[];
  /** Why quota is absent, when the cluster could not be read. */
  quotaError?: string;
  /** Id of a decommission request waiting for approval, if any. */
  pendingDecommissionRequestId?: string;
}
