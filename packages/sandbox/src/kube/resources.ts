import {
  ConfigMap,
  LimitRange,
  Namespace,
  Pod,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from 'kubernetes-models/admissionregistration.k8s.io/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';

/** A JSON object as stored and served by the peer. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
};

/** The subset of `metav1.ObjectMeta` the peer reads and maintains. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

/** A `metav1.ManagedFieldsEntry`. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** How object names are validated (kube-apiserver uses different rules per kind). */
export type NameRule =
  | 'dns1123Label'
  | 'dns1035Label'
  | 'dns1123Subdomain'
  | 'pathSegment';

type ModelClass = new (data: any) => { validate(): void };

/** Static description of one served resource, the source of discovery, routing and validation. */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural resource name, e.g. `configmaps`. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
  /** Stored objects (CRUD) versus create-only reviews computed per request. */
  stored: boolean;
  nameRule?: NameRule;
  model?: ModelClass;
  /** Subresources served (only `status`, read-only views of the object). */
  subresources?: string[];
}

const crudVerbs = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** The resources this peer serves. */
export const resourceTypes: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    stored: true,
    nameRule: 'dns1123Label',
    model: Namespace,
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: ConfigMap,
  },
  {
    group: '',
    version: 'v1',
    resource: 'resourcequotas',
    singular: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: ResourceQuota,
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'limitranges',
    singular: 'limitrange',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: LimitRange,
  },
  // Workloads: stored, validated and admitted (LimitRanger, ResourceQuota, Pod Security);
  // nothing schedules or runs them.
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: Pod,
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1035Label',
    model: Service,
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: Secret,
  },
  {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: ServiceAccount,
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: Deployment,
    subresources: ['status'],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: NetworkPolicy,
  },
  // RBAC names are path segments in kube-apiserver (e.g. `system:aggregate-to-admin`).
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    verbs: crudVerbs,
    stored: true,
    nameRule: 'pathSegment',
    model: ClusterRoleBinding,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    singular: 'clusterrole',
    kind: 'ClusterRole',
    namespaced: false,
    verbs: crudVerbs,
    stored: true,
    nameRule: 'pathSegment',
    model: ClusterRole,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'rolebindings',
    singular: 'rolebinding',
    kind: 'RoleBinding',
    namespaced: true,
    verbs: crudVerbs,
    stored: true,
    nameRule: 'pathSegment',
    model: RoleBinding,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'roles',
    singular: 'role',
    kind: 'Role',
    namespaced: true,
    verbs: crudVerbs,
    stored: true,
    nameRule: 'pathSegment',
    model: Role,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    resource: 'validatingadmissionpolicies',
    singular: 'validatingadmissionpolicy',
    kind: 'ValidatingAdmissionPolicy',
    namespaced: false,
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: ValidatingAdmissionPolicy,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    resource: 'validatingadmissionpolicybindings',
    singular: 'validatingadmissionpolicybinding',
    kind: 'ValidatingAdmissionPolicyBinding',
    namespaced: false,
    verbs: crudVerbs,
    stored: true,
    nameRule: 'dns1123Subdomain',
    model: ValidatingAdmissionPolicyBinding,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'localsubjectaccessreviews',
    singular: 'localsubjectaccessreview',
    kind: 'LocalSubjectAccessReview',
    namespaced: true,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectaccessreviews',
    singular: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'selfsubjectrulesreviews',
    singular: 'selfsubjectrulesreview',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'subjectaccessreviews',
    singular: 'subjectaccessreview',
    kind: 'SubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    resource: 'selfsubjectreviews',
    singular: 'selfsubjectreview',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    resource: 'tokenreviews',
    singular: 'tokenreview',
    kind: 'TokenReview',
    namespaced: false,
    verbs: ['create'],
    stored: false,
  },
];

/** `v1` or `rbac.authorization.k8s.io/v1`. */
export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** Looks up a served resource by group, version and plural name. */
export function findResourceType(
  group: string,
  version: string,
  resource: string,
): ResourceType | undefined {
  return resourceTypes.find(
    t => t.group === group && t.version === version && t.resource === resource,
  );
}

/** Looks up a stored resource by `apiVersion` and `kind` (for object-addressed helpers). */
export function findResourceTypeByKind(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  return resourceTypes.find(
    t => t.stored && apiVersionOf(t) === apiVersion && t.kind === kind,
  );
}

/** The served group/versions, in discovery order. */
export function servedGroups(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const t of resourceTypes) {
    const key = apiVersionOf(t);
    if (!seen.has(key)) seen.set(key, { group: t.group, version: t.version });
  }
  return [...seen.values()];
}
