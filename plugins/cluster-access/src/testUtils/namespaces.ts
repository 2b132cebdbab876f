import {
  ManagedNamespace,
  NamespaceAccess,
  NamespaceClusterInfo,
  NamespaceRequest,
  NamespaceRequestManifests,
  RequestableTier,
} from '@cluster-access/plugin-cluster-access-common';
import { ClusterAccessApi } from '../api';

/** Every cluster of a tier, for the test user's Groups (payments and sre). */
const mine = (...clusterNames: string[]) =>
  clusterNames.map(cluster => ({
    cluster,
    owners: ['group:default/payments', 'group:default/sre'],
  }));

/**
 * The shipped default tiers, shortened: `dev` at once, `qa` approved; the
 * test user may request both everywhere for their two Groups.
 */
export const tiers: RequestableTier[] = [
  {
    name: 'dev',
    title: 'Development',
    description: 'A namespace to build and try things in.',
    approval: 'none',
    clusters: ['sandbox', 'edge'],
    requestable: mine('sandbox', 'edge'),
    namingPattern: '{group}-{suffix}-dev',
    resourceQuota: { 'requests.cpu': '2', 'limits.memory': '8Gi', pods: '20' },
    limitRange: { default: { cpu: '500m', memory: '512Mi' } },
    networkPolicy: true,
    podSecurity: { enforce: 'baseline', warn: 'restricted' },
    labels: {},
    annotations: {},
    nonMemberBindings: 'report',
  },
  {
    name: 'qa',
    title: 'QA',
    approval: 'required',
    clusters: ['sandbox'],
    requestable: mine('sandbox'),
    namingPattern: '{group}-{suffix}-qa',
    resourceQuota: { 'requests.cpu': '4', pods: '50' },
    limitRange: {},
    networkPolicy: true,
    podSecurity: { enforce: 'restricted', warn: 'restricted' },
    labels: {},
    annotations: {},
    nonMemberBindings: 'report',
  },
];

export const clusters: NamespaceClusterInfo[] = [
  {
    name: 'sandbox',
    title: 'Sandbox',
    server: 'https://127.0.0.1:6443',
    provisioning: true,
    tiers: ['dev', 'qa'],
  },
  {
    name: 'edge',
    server: 'https://edge.example.com:6443',
    provisioning: true,
    tiers: ['dev'],
  },
];

/** A request as the backend answers it, with overrides. */
export function namespaceRequest(
  overrides: Partial<NamespaceRequest> = {},
): NamespaceRequest {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'create',
    cluster: 'sandbox',
    namespace: 'payments-api-qa',
    owner: 'group:default/payments',
    tier: 'qa',
    reason: 'integration tests for the API',
    requester: 'user:default/alice',
    status: 'pending',
    attempts: 0,
    createdAt: '2026-11-28T10:00:00.000Z',
    updatedAt: '2026-11-28T10:00:00.000Z',
    ...overrides,
  };
}

/** A managed namespace as the backend answers it, with overrides. */
export function managedNamespace(
  overrides: Partial<ManagedNamespace> = {},
): ManagedNamespace {
  return {
    cluster: 'sandbox',
    name: 'payments-api-dev',
    owner: 'group:default/payments',
    tier: 'dev',
    requestId: '00000000-0000-4000-8000-0000000000a1',
    status: 'ready',
    requester: 'user:default/alice',
    createdAt: '2026-11-20T09:00:00.000Z',
    members: [
      { user: 'user:default/alice', username: 'alice', source: 'group' },
      { user: 'user:default/bob', username: 'bob', source: 'group' },
      { user: 'user:default/dave', username: 'dave', source: 'extra' },
    ],
    quota: [
      { resource: 'limits.memory', hard: '8Gi', used: '2Gi' },
      { resource: 'pods', hard: '20', used: '15' },
      { resource: 'requests.cpu', hard: '2', used: '500m' },
    ],
    ...overrides,
  };
}

/** One way into payments-api-dev as `GET /access` answers it, with overrides. */
export function namespaceAccess(
  overrides: Partial<NamespaceAccess> = {},
): NamespaceAccess {
  const entry: NamespaceAccess = {
    cluster: 'sandbox',
    namespace: 'payments-api-dev',
    owner: 'group:default/payments',
    status: 'ready',
    via: 'group',
    subject: { kind: 'User', name: 'alice' },
    user: 'user:default/alice',
    role: { kind: 'ClusterRole', name: 'edit' },
    flagged: false,
    ...overrides,
  };
  // Members and extras: the two bindings the reconciler found, by default.
  if (entry.via !== 'binding' && !('roles' in overrides)) {
    entry.roles = [
      { kind: 'ClusterRole', name: 'edit' },
      { kind: 'Role', name: 'rolebinding-manager' },
    ];
  }
  return entry;
}

/** The ways into payments-api-dev: two members, an extra, and three kubectl bindings. */
export const paymentsAccess: NamespaceAccess[] = [
  namespaceAccess(),
  namespaceAccess({
    subject: { kind: 'User', name: 'bob' },
    user: 'user:default/bob',
  }),
  namespaceAccess({
    via: 'extra',
    subject: { kind: 'User', name: 'dave' },
    user: 'user:default/dave',
    addedBy: 'user:default/alice',
    addedAt: '2026-11-20T12:00:00.000Z',
    expiresAt: '2026-12-20T12:00:00.000Z',
  }),
  namespaceAccess({
    via: 'binding',
    binding: 'ci-edit',
    subject: {
      kind: 'ServiceAccount',
      name: 'ci',
      namespace: 'payments-api-dev',
    },
    user: undefined,
    standing: 'own-service-account',
    since: '2026-11-21T12:00:00.000Z',
  }),
  namespaceAccess({
    via: 'binding',
    binding: 'mallory-view',
    subject: { kind: 'User', name: 'mallory' },
    user: undefined,
    role: { kind: 'ClusterRole', name: 'view' },
    standing: 'outsider',
    flagged: true,
    since: '2026-11-22T12:00:00.000Z',
  }),
  namespaceAccess({
    via: 'binding',
    binding: 'team-view',
    subject: { kind: 'Group', name: 'payments' },
    user: undefined,
    role: { kind: 'ClusterRole', name: 'view' },
    standing: 'owner-group',
    since: '2026-11-22T12:00:00.000Z',
  }),
];

/**
 * A `ClusterAccessApi` whose every method is a jest mock; the namespace
 * reads answer with the fixtures above unless overridden.
 */
export function fakeNamespaceApi(
  overrides: Partial<ClusterAccessApi> = {},
): jest.Mocked<ClusterAccessApi> {
  return {
    listHistory: jest.fn(async () => []),
    listHistoryPage: jest.fn(async () => ({ items: [], pageInfo: {} })),
    getIdentity: jest.fn(),
    issueCertificate: jest.fn(),
    listCertificates: jest.fn(async () => []),
    revokeCertificate: jest.fn(),
    listTiers: jest.fn(async () => tiers),
    listClusters: jest.fn(async () => clusters),
    createRequest: jest.fn(),
    listRequests: jest.fn(async () => []),
    getRequest: jest.fn(),
    getRequestManifests: jest.fn(async ({ id }) => requestManifests({ id })),
    approveRequest: jest.fn(),
    rejectRequest: jest.fn(),
    withdrawRequest: jest.fn(),
    listNamespaces: jest.fn(async () => []),
    listAccess: jest.fn(async () => []),
    addMember: jest.fn(),
    removeMember: jest.fn(),
    decommissionNamespace: jest.fn(),
    ...overrides,
  } as jest.Mocked<ClusterAccessApi>;
}

/** The manifests of a pending request, as the backend renders them. */
export function requestManifests(
  overrides: Partial<NamespaceRequestManifests> & { id?: string } = {},
): NamespaceRequestManifests {
  const { id = '00000000-0000-4000-8000-000000000001', ...rest } = overrides;
  const yaml = [
    '# Namespace payments-api-qa on cluster sandbox',
    '---',
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    '  name: payments-api-qa',
    '  labels:',
    '    pod-security.kubernetes.io/enforce: baseline',
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'metadata:',
    '  name: ca-edit-alice',
    '  namespace: payments-api-qa',
    '',
  ].join('\n');
  return {
    requestId: id,
    cluster: 'sandbox',
    namespace: 'payments-api-qa',
    status: 'pending',
    state: 'planned',
    filename: 'sandbox-payments-api-qa.yaml',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'payments-api-qa' },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'ca-edit-alice', namespace: 'payments-api-qa' },
      },
    ],
    yaml,
    ...rest,
  };
}

/** A backend error as `ResponseError.fromResponse` sees it. */
export function errorResponse(
  status: number,
  name: string,
  message: string,
): Response {
  return new Response(
    JSON.stringify({
      error: { name, message },
      request: { method: 'POST', url: '/api/cluster-access/requests' },
      response: { statusCode: status },
    }),
    { status, headers: { 'Content-Type': 'application/json' } },
  );
}
