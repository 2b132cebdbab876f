import {
  namespaceNamePart,
  parseQuantity,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { parseEntityRef } from '@backstage/catalog-model';
import { V1LimitRangeItem, V1NetworkPolicySpec } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { KubeObject } from '@cluster-access/plugin-cluster-access-node';
import {
  BACKSTAGE_OWNER_ANNOTATION,
  BINDING_ROLE_LABEL,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  OBJECT_NAMES,
  OWNER_ANNOTATION,
  OWNER_GROUP_LABEL,
  PSA_ENFORCE_LABEL,
  PSA_WARN_LABEL,
  REQUEST_ID_ANNOTATION,
  REQUESTER_ANNOTATION,
  TIER_LABEL,
  USER_ANNOTATION,
} from './labels';

/**
 * The kinds the backend manages, in the order they are provisioned.
 *
 * @internal
 */
export const MANAGED_KINDS = [
  { apiVersion: 'v1', kind: 'Namespace', namespaced: false },
  { apiVersion: 'v1', kind: 'LimitRange', namespaced: true },
  { apiVersion: 'v1', kind: 'ResourceQuota', namespaced: true },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    namespaced: true,
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    namespaced: true,
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    namespaced: true,
  },
] as const;

/**
 * One of {@link MANAGED_KINDS}.
 *
 * @internal
 */
export type ManagedKind = (typeof MANAGED_KINDS)[number]['kind'];

/**
 * A member with access to a namespace, mapped to their Kubernetes user name.
 *
 * @internal
 */
export interface MemberSubject {
  /** User entity ref. */
  user: string;
  /** Kubernetes user name (the certificate CN). */
  username: string;
}

/**
 * Everything that decides what a managed namespace looks like.
 *
 * @internal
 */
export interface NamespaceSpec {
  requestId: string;
  namespace: string;
  owner: string;
  requester: string;
  tier: TierInfo;
  members: MemberSubject[];
  delegableClusterRoles: string[];
}

const RBAC = 'rbac.authorization.k8s.io';

/**
 * A RoleBinding name for a member that is stable, readable and valid for
 * any Kubernetes user name (which may hold `:` or `@`, or be long).
 */
export function memberBindingName(
  prefix: 'ca-edit' | 'ca-rbm',
  username: string,
): string {
  const readable = username
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  if (readable === username && readable.length <= 50) {
    return `${prefix}-${readable}`;
  }
  // Different users must never share a binding, so a name that lost
  // information gets a hash of the original.
  const hash = createHash('sha256').update(username).digest('hex').slice(0, 10);
  return `${prefix}-${readable.slice(0, 40)}-${hash}`.replace(/-+/g, '-');
}

/**
 * A label value for any text (Kubernetes allows at most 63 characters, and
 * letters or digits at both ends). A value that had to be shortened ends with
 * a hash of the whole text, so two long names never share a label.
 */
export function labelValueFor(text: string): string {
  const readable = namespaceNamePart(text);
  if (readable.length <= 63) return readable;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 10);
  return `${readable.slice(0, 52).replace(/-+$/, '')}-${hash}`;
}

function managedLabels(
  spec: NamespaceSpec,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [OWNER_GROUP_LABEL]: labelValueFor(parseEntityRef(spec.owner).name),
    [TIER_LABEL]: spec.tier.name,
    ...extra,
  };
}

function managedAnnotations(spec: NamespaceSpec): Record<string, string> {
  return {
    [REQUEST_ID_ANNOTATION]: spec.requestId,
    [OWNER_ANNOTATION]: spec.owner,
  };
}

function meta(
  spec: NamespaceSpec,
  name: string,
  extra: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): KubeObject['metadata'] {
  return {
    name,
    namespace: spec.namespace,
    labels: managedLabels(spec, extra.labels),
    annotations: { ...managedAnnotations(spec), ...(extra.annotations ?? {}) },
  };
}

function roleBinding(
  spec: NamespaceSpec,
  member: MemberSubject,
  binding: 'edit' | 'rolebinding-manager',
): KubeObject {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: meta(
      spec,
      memberBindingName(
        binding === 'edit' ? 'ca-edit' : 'ca-rbm',
        member.username,
      ),
      {
        labels: { [BINDING_ROLE_LABEL]: binding },
        annotations: { [USER_ANNOTATION]: member.user },
      },
    ),
    roleRef:
      binding === 'edit'
        ? { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' }
        : {
            apiGroup: RBAC,
            kind: 'Role',
            name: OBJECT_NAMES.bindingManagerRole,
          },
    subjects: [{ apiGroup: RBAC, kind: 'User', name: member.username }],
  };
}

/**
 * The objects that make up a managed namespace, in provisioning order:
 * Namespace, LimitRange, ResourceQuota, NetworkPolicy, an `edit` RoleBinding
 * per member, the `rolebinding-manager` Role and a binding of each member to
 * it. Pure, so that provisioning and reconciliation agree on it.
 *
 * @internal
 */
export function desiredObjects(spec: NamespaceSpec): KubeObject[] {
  const optional = (object?: KubeObject) => (object ? [object] : []);
  const members = [...spec.members].sort((a, b) =>
    a.username.localeCompare(b.username),
  );
  return [
    namespaceObject(spec),
    ...optional(limitRange(spec)),
    ...optional(resourceQuota(spec)),
    ...optional(networkPolicy(spec)),
    ...members.map(member => roleBinding(spec, member, 'edit')),
    bindingManagerRole(spec),
    ...members.map(member => roleBinding(spec, member, 'rolebinding-manager')),
  ];
}

function namespaceObject(spec: NamespaceSpec): KubeObject {
  const { tier } = spec;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: spec.namespace,
      labels: {
        ...tier.labels,
        ...managedLabels(spec),
        [PSA_ENFORCE_LABEL]: tier.podSecurity.enforce,
        [PSA_WARN_LABEL]: tier.podSecurity.warn,
      },
      annotations: {
        ...tier.annotations,
        ...managedAnnotations(spec),
        [REQUESTER_ANNOTATION]: spec.requester,
        [BACKSTAGE_OWNER_ANNOTATION]: spec.owner,
      },
    },
  };
}

function limitRange(spec: NamespaceSpec): KubeObject | undefined {
  const { limitRange: limits } = spec.tier;
  const nonEmpty = (v?: Record<string, string>) =>
    v && Object.keys(v).length > 0 ? { ...v } : undefined;
  const item: V1LimitRangeItem = { type: 'Container' };
  const defaults = nonEmpty(limits.default);
  const defaultRequest = nonEmpty(limits.defaultRequest);
  const max = nonEmpty(limits.max);
  const min = nonEmpty(limits.min);
  const ratio = nonEmpty(limits.maxLimitRequestRatio);
  if (defaults) item._default = defaults;
  if (defaultRequest) item.defaultRequest = defaultRequest;
  if (max) item.max = max;
  if (min) item.min = min;
  if (ratio) item.maxLimitRequestRatio = ratio;
  if (!(defaults || defaultRequest || max || min || ratio)) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta(spec, OBJECT_NAMES.limitRange),
    spec: { limits: [item] },
  };
}

function resourceQuota(spec: NamespaceSpec): KubeObject | undefined {
  if (Object.keys(spec.tier.resourceQuota).length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta(spec, OBJECT_NAMES.resourceQuota),
    spec: { hard: { ...spec.tier.resourceQuota } },
  };
}

function networkPolicy(spec: NamespaceSpec): KubeObject | undefined {
  if (!spec.tier.networkPolicy) return undefined;
  // Ingress only from pods of this namespace. The selector uses the
  // immutable label the API server sets on every namespace, which tenants
  // cannot forge on another namespace.
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(spec, OBJECT_NAMES.networkPolicy),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          _from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': spec.namespace },
              },
            },
          ],
        },
      ],
    } satisfies V1NetworkPolicySpec,
  };
}

/**
 * Lets members manage RoleBindings in their namespace for the delegable
 * roles only: `bind` is limited by resourceNames, there is no `escalate`
 * and nothing on the Namespace itself, so they cannot grant admin or
 * cluster-admin nor lift the namespace's guard rails.
 */
function bindingManagerRole(spec: NamespaceSpec): KubeObject {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'Role',
    metadata: meta(spec, OBJECT_NAMES.bindingManagerRole),
    rules: [
      {
        apiGroups: [RBAC],
        resources: ['rolebindings'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
      {
        apiGroups: [RBAC],
        resources: ['clusterroles'],
        resourceNames: [...spec.delegableClusterRoles],
        verbs: ['bind'],
      },
    ],
  };
}

/** `<kind>/<namespace>/<name>`: identifies an object across kinds. */
export function objectKey(obj: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  return `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function sameScalar(desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  if (typeof desired === 'string' && typeof live === 'string') {
    // The API server canonicalises quantities (1024Mi → 1Gi, 0.5 → 500m);
    // compare their values so that this is not mistaken for drift.
    const a = parseQuantity(desired);
    const b = parseQuantity(live);
    return (
      a !== undefined &&
      b !== undefined &&
      Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), 1)
    );
  }
  return false;
}

/**
 * Whether `live` already has everything `desired` sets. Maps may hold more
 * (fields of other managers, server defaults such as a LimitRange's
 * defaultRequest); lists are atomic in every managed kind, so they must have
 * exactly the desired items, in order.
 *
 * @internal
 */
export function containsDesired(desired: unknown, live: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) &&
      live.length === desired.length &&
      desired.every((d, i) => containsDesired(d, live[i]))
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) {
      return false;
    }
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) =>
      containsDesired(v, (live as Record<string, unknown>)[k]),
    );
  }
  return sameScalar(desired, live);
}

/**
 * Whether a live object differs from its desired state in anything the
 * backend manages (labels, annotations, spec, rules, roleRef, subjects).
 *
 * @internal
 */
export function needsApply(desired: KubeObject, live: KubeObject): boolean {
  const { apiVersion, kind, metadata, ...body } = desired;
  return !(
    containsDesired(metadata.labels ?? {}, live.metadata.labels ?? {}) &&
    containsDesired(
      metadata.annotations ?? {},
      live.metadata.annotations ?? {},
    ) &&
    containsDesired(body, live)
  );
}
