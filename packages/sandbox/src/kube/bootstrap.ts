/*
 * The bootstrap policy kube-apiserver creates at start (plugin/pkg/auth/authorizer/rbac/
 * bootstrappolicy), trimmed to what matters here, plus the Cluster Access provisioner's role.
 * `admin`, `edit` and `view` are aggregated exactly like the real ones: their rules are the
 * union of ClusterRoles labelled `rbac.authorization.k8s.io/aggregate-to-<name>: "true"`.
 */
import { KubeObject } from './resources';
import { PolicyRule } from './rbac';

const rbacApiVersion = 'rbac.authorization.k8s.io/v1';
const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const readWrite = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const autoupdate = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

function clusterRole(
  name: string,
  rules: PolicyRule[],
  extra: { labels?: Record<string, string>; aggregateFrom?: string } = {},
): KubeObject {
  const role: KubeObject = {
    apiVersion: rbacApiVersion,
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: { ...bootstrapLabels, ...(extra.labels ?? {}) },
      annotations: { ...autoupdate },
    },
    rules,
  };
  if (extra.aggregateFrom) {
    role.aggregationRule = {
      clusterRoleSelectors: [
        {
          matchLabels: {
            [`rbac.authorization.k8s.io/aggregate-to-${extra.aggregateFrom}`]:
              'true',
          },
        },
      ],
    };
  }
  return role;
}

function clusterRoleBinding(
  name: string,
  roleName: string,
  subjects: { kind: string; name: string; namespace?: string }[],
): KubeObject {
  return {
    apiVersion: rbacApiVersion,
    kind: 'ClusterRoleBinding',
    metadata: {
      name,
      labels: { ...bootstrapLabels },
      annotations: { ...autoupdate },
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: roleName,
    },
    subjects: subjects.map(s =>
      s.kind === 'ServiceAccount'
        ? s
        : { apiGroup: 'rbac.authorization.k8s.io', ...s },
    ),
  };
}

const aggregateToView: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: [
      'configmaps',
      'endpoints',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
      'services/status',
    ],
    verbs: read,
  },
  {
    apiGroups: [''],
    resources: [
      'bindings',
      'events',
      'limitranges',
      'namespaces/status',
      'pods/log',
      'pods/status',
      'replicationcontrollers/status',
      'resourcequotas',
      'resourcequotas/status',
    ],
    verbs: read,
  },
  { apiGroups: [''], resources: ['namespaces'], verbs: read },
  {
    apiGroups: ['apps'],
    resources: [
      'controllerrevisions',
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
    ],
    verbs: read,
  },
  {
    apiGroups: ['batch'],
    resources: ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'],
    verbs: read,
  },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses', 'ingresses/status', 'networkpolicies'],
    verbs: read,
  },
];

const aggregateToEdit: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: [
      'pods/attach',
      'pods/exec',
      'pods/portforward',
      'pods/proxy',
      'secrets',
      'services/proxy',
    ],
    verbs: read,
  },
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/attach',
      'pods/exec',
      'pods/portforward',
      'pods/proxy',
    ],
    verbs: write,
  },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
  {
    apiGroups: [''],
    resources: [
      'configmaps',
      'events',
      'persistentvolumeclaims',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'secrets',
      'serviceaccounts',
      'services',
      'services/proxy',
    ],
    verbs: write,
  },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  {
    apiGroups: ['apps'],
    resources: [
      'daemonsets',
      'deployments',
      'deployments/rollback',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'statefulsets/scale',
    ],
    verbs: write,
  },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: write },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses', 'networkpolicies'],
    verbs: write,
  },
];

const aggregateToAdmin: PolicyRule[] = [
  {
    apiGroups: ['authorization.k8s.io'],
    resources: ['localsubjectaccessreviews'],
    verbs: ['create'],
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['rolebindings', 'roles'],
    verbs: readWrite,
  },
];

/** Name of the ClusterRole (and binding) given to the Cluster Access backend's identity. */
export const provisionerRoleName = 'cluster-access-provisioner';

/**
 * Exactly what the Cluster Access backend uses (plugins/cluster-access-backend's
 * clusterPermissions.test.ts proves both directions against this peer):
 * - namespaces: create, read back, find by label, keep in shape (server-side apply is
 *   `patch`), decommission;
 * - the guard rails and the delegation Role in each namespace: server-side apply (`patch`, and
 *   `create` when the apply creates), list by label across namespaces, delete what a tier no
 *   longer wants;
 * - RoleBindings: every verb the `rolebinding-manager` Role hands to members, because without
 *   `escalate` the backend may only grant what it holds (ConfirmNoEscalation);
 * - `bind` on the ClusterRoles members get (`edit`) or may delegate (`view`, `edit`).
 * No `escalate`, no `bind` on Roles or on `admin`, no Secrets or ConfigMaps, no cluster-wide
 * bindings, nothing it could use to widen its own reach. `deploy/kubernetes/backend-admission-policy.yaml`
 * further confines these verbs to namespaces carrying the managed-by label.
 */
export const provisionerRules: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['namespaces'],
    verbs: ['create', 'delete', 'get', 'list', 'patch'],
  },
  {
    apiGroups: [''],
    resources: ['limitranges', 'resourcequotas'],
    verbs: ['create', 'delete', 'list', 'patch'],
  },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['networkpolicies'],
    verbs: ['create', 'delete', 'list', 'patch'],
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['roles'],
    verbs: ['create', 'delete', 'list', 'patch'],
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['rolebindings'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterroles'],
    resourceNames: ['edit', 'view'],
    verbs: ['bind'],
  },
];

/** The bootstrap ClusterRoles and ClusterRoleBindings. */
export function bootstrapPolicy(options: {
  provisioner?: { namespace: string; name: string };
}): { clusterRoles: KubeObject[]; clusterRoleBindings: KubeObject[] } {
  const clusterRoles = [
    clusterRole('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    clusterRole('admin', [], { aggregateFrom: 'admin' }),
    clusterRole('edit', [], {
      aggregateFrom: 'edit',
      labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' },
    }),
    clusterRole('view', [], {
      aggregateFrom: 'view',
      labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' },
    }),
    clusterRole('system:aggregate-to-admin', aggregateToAdmin, {
      labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' },
    }),
    clusterRole('system:aggregate-to-edit', aggregateToEdit, {
      labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' },
    }),
    clusterRole('system:aggregate-to-view', aggregateToView, {
      labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
    }),
    clusterRole('system:discovery', [
      {
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
        verbs: ['get'],
      },
    ]),
    clusterRole('system:basic-user', [
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
        verbs: ['create'],
      },
      {
        apiGroups: ['authentication.k8s.io'],
        resources: ['selfsubjectreviews'],
        verbs: ['create'],
      },
    ]),
    clusterRole('system:public-info-viewer', [
      {
        nonResourceURLs: [
          '/healthz',
          '/livez',
          '/readyz',
          '/version',
          '/version/',
        ],
        verbs: ['get'],
      },
    ]),
    clusterRole('system:service-account-issuer-discovery', [
      {
        nonResourceURLs: [
          '/.well-known/openid-configuration',
          '/openid/v1/jwks',
        ],
        verbs: ['get'],
      },
    ]),
    clusterRole('system:auth-delegator', [
      {
        apiGroups: ['authentication.k8s.io'],
        resources: ['tokenreviews'],
        verbs: ['create'],
      },
      {
        apiGroups: ['authorization.k8s.io'],
        resources: ['subjectaccessreviews'],
        verbs: ['create'],
      },
    ]),
    clusterRole(provisionerRoleName, provisionerRules),
  ];
  const authenticated = [{ kind: 'Group', name: 'system:authenticated' }];
  const clusterRoleBindings = [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [
      { kind: 'Group', name: 'system:masters' },
    ]),
    clusterRoleBinding('system:discovery', 'system:discovery', authenticated),
    clusterRoleBinding('system:basic-user', 'system:basic-user', authenticated),
    clusterRoleBinding(
      'system:public-info-viewer',
      'system:public-info-viewer',
      [...authenticated, { kind: 'Group', name: 'system:unauthenticated' }],
    ),
    clusterRoleBinding(
      'system:service-account-issuer-discovery',
      'system:service-account-issuer-discovery',
      [{ kind: 'Group', name: 'system:serviceaccounts' }],
    ),
  ];
  if (options.provisioner) {
    clusterRoleBindings.push(
      clusterRoleBinding(provisionerRoleName, provisionerRoleName, [
        {
          kind: 'ServiceAccount',
          name: options.provisioner.name,
          namespace: options.provisioner.namespace,
        },
      ]),
    );
  }
  return { clusterRoles, clusterRoleBindings };
}

/** Namespaces every cluster starts with. */
export const bootstrapNamespaces = [
  'default',
  'kube-node-lease',
  'kube-public',
  'kube-system',
];
