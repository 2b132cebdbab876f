import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  catalogServiceMock,
  CatalogServiceMock,
} from '@backstage/plugin-catalog-node/testUtils';
import { startKubePeer, KubePeer } from '@cluster-access/sandbox';
import { JsonObject } from '@backstage/types';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import { LiveClusterDirectory } from '../config/ClusterDirectory';
import { readClusterAccessSettings } from '../config/readClusterAccessSettings';
import { migrateDatabase } from '../database/migrations';
import { DatabaseHistoryStore } from '../history/DatabaseHistoryStore';
import { HistoryRecorder } from '../history/HistoryRecorder';
import { DatabaseAccessStore } from '../namespaces/access/DatabaseAccessStore';
import {
  KubernetesClientOptions,
  KubernetesClusterClientProvider,
} from '../namespaces/cluster/KubernetesClusterClient';
import {
  createNamespaceServices,
  NamespaceServices,
} from '../namespaces/createNamespaceServices';
import { CatalogGroupDirectory } from '../namespaces/members/groups';
import { namespaceRequestPermissionRules } from '../namespaces/requests/permissionRules';
import { DatabaseNamespaceStore } from '../namespaces/requests/DatabaseNamespaceStore';
import { createNamespacesRouter } from '../service/namespacesRouter';

/** The sample organisation of the tests: who is in which Group. */
export const ORG: Record<string, string[]> = {
  payments: ['alice', 'bob'],
  search: ['bob', 'dave'],
  platform: ['carol', 'erin'],
  'cluster-approvers': ['carol'],
  contractors: ['mallory'],
};

/** The Group refs of a user of {@link ORG}, from a user entity ref. */
export function orgGroupsOf(userEntityRef: string): string[] {
  const name = userEntityRef.split('/')[1];
  return Object.entries(ORG)
    .filter(([, members]) => members.includes(name))
    .map(([group]) => `group:default/${group}`);
}

/**
 * A userInfo service for whole-plugin tests: the user's ownership refs are
 * the user and the Groups `groupsOf` gives (by default those of {@link ORG}).
 */
export function userInfoServiceFactory(
  groupsOf: (userEntityRef: string) => string[] = orgGroupsOf,
) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials) {
        const ref = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, ...groupsOf(ref)],
        };
      },
    }),
  });
}

/** Catalog entities for a membership map. */
export function orgEntities(
  org: Record<string, string[]>,
  /** Users outside every Group; default erin and frank. */
  extraUsers: string[] = ['erin', 'frank'],
): Entity[] {
  const users = [...new Set([...Object.values(org).flat(), ...extraUsers])];
  return [
    ...Object.entries(org).map(([group, members]) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: group, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: members.map(m => ({
        type: 'hasMember',
        targetRef: `user:default/${m}`,
      })),
    })),
    ...users.map(u => {
      const groups = Object.entries(org)
        .filter(([, m]) => m.includes(u))
        .map(([g]) => g);
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: u, namespace: 'default' },
        spec: { memberOf: groups },
        relations: groups.map(g => ({
          type: 'memberOf',
          targetRef: `group:default/${g}`,
        })),
      };
    }),
  ];
}

/** A kube peer with the backend's service-account token. */
export async function startPeer(
  options: { namespaceTerminationMs?: number } = {},
): Promise<{ peer: KubePeer; token: string }> {
  const peer = await startKubePeer(options);
  const token = peer.issueServiceAccountToken({
    namespace: 'cluster-access',
    name: 'backstage',
    ttlSeconds: 3600,
  });
  return { peer, token };
}

/** A Kubernetes peer that the tests of one describe block share. */
export interface SharedPeer {
  /** The peer; there from the block's first `beforeAll` on. */
  readonly peer: KubePeer;
  /** The backend's service-account token on the peer. */
  readonly token: string;
  /** A harness over the peer on `knex` (see {@link createHarness}). */
  harness(knex: Knex, options?: Partial<HarnessOptions>): Promise<Harness>;
  /** `base` and a number: tests that share a peer need names of their own. */
  unique(base: string): string;
}

/**
 * Starts a peer (see {@link startPeer}) before the tests of the describe
 * block it is called in, and closes it after them.
 */
export function sharedPeer(
  options: { namespaceTerminationMs?: number } = {},
): SharedPeer {
  let started: { peer: KubePeer; token: string } | undefined;
  let counter = 0;
  beforeAll(async () => {
    started = await startPeer(options);
  });
  afterAll(async () => {
    await started?.peer.close();
  });
  const get = () => {
    if (!started) throw new Error('The shared peer starts in beforeAll');
    return started;
  };
  return {
    get peer() {
      return get().peer;
    },
    get token() {
      return get().token;
    },
    harness: (knex, harnessOptions = {}) =>
      createHarness({
        knex,
        peer: get().peer,
        token: get().token,
        ...harnessOptions,
      }),
    unique: base => `${base}${(counter += 1)}`,
  };
}

/** Config of one cluster (the peer) with the default tiers. */
export function peerConfig(
  peer: KubePeer,
  token: string,
  extra: JsonObject = {},
): JsonObject {
  return {
    clusterAccess: {
      clusters: [
        {
          name: 'sandbox',
          title: 'Sandbox',
          url: peer.url,
          caData: Buffer.from(peer.caPem).toString('base64'),
          serviceAccountToken: token,
        },
      ],
      ...extra,
    },
  };
}

/** Who may do what, for the mock permission service. */
export type TestPolicy = {
  /** Users allowed the other permissions (certificate, create, members, delete). */
  allowed: (user: string, permission: string) => boolean;
  /**
   * Users allowed the read permissions (history, namespaces); default:
   * everyone, as policies that allow by default do.
   */
  read?: (user: string, permission: string) => boolean;
  /** Decision for approve: 'allow', 'deny', or conditional on tiers. */
  approve: (user: string) => 'allow' | 'deny' | { tiers: string[] };
  /**
   * A conditional decision on create, members or delete for an allowed user
   * (`undefined`: allow outright), as the policy would send it.
   */
  conditions?: (
    user: string,
    permission: string,
  ) => PermissionCriteria<PermissionCondition> | undefined;
};

/**
 * A policy under which only group:default/platform may request a namespace
 * of `tier`: other users but mallory may request the other tiers; nobody
 * may approve.
 */
export function onlyPlatformMayRequest(tier: string): TestPolicy {
  return {
    allowed: user => user !== 'user:default/mallory',
    approve: () => 'deny',
    conditions: (_user, permission) =>
      permission === 'cluster-access.request.create'
        ? {
            anyOf: [
              {
                not: {
                  rule: 'IS_TIER',
                  resourceType: 'cluster-access-request',
                  params: { tiers: [tier] },
                },
              },
              {
                rule: 'HAS_OWNER',
                resourceType: 'cluster-access-request',
                params: { owners: ['group:default/platform'] },
              },
            ],
          }
        : undefined,
  };
}

/** An audit event as the mock auditor saw it. */
export interface RecordedAuditEvent {
  eventId: string;
  severityLevel: string;
  meta?: JsonObject;
  outcome?: 'success' | 'fail';
  error?: Error;
}

/** The demo-like policy: everyone but mallory; carol approves qa. */
export const DEFAULT_POLICY: TestPolicy = {
  allowed: user => user !== 'user:default/mallory',
  approve: user => (user === 'user:default/carol' ? { tiers: ['qa'] } : 'deny'),
};

/** The authorization header of the mock credentials of `user:default/<name>`. */
export function asUser(name: string): string {
  return mockCredentials.user.header(`user:default/${name}`);
}

/** A request body: a namespace on the sandbox cluster for group:default/payments. */
export function paymentsRequest(body: {
  namespace: string;
  tier: string;
  reason: string;
}) {
  return { cluster: 'sandbox', owner: 'group:default/payments', ...body };
}

/** Files a namespace request through the router as `user` (default alice). */
export function fileRequest(h: Harness, body: object, user = 'alice') {
  return request(h.app)
    .post('/requests')
    .set('authorization', asUser(user))
    .send(body);
}

/** The Kubernetes request counts that change something (all but get and list). */
export function writeRequests(
  counts: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts).filter(([key]) => !/^(get|list) /.test(key)),
  );
}

/**
 * Runs one reconcile pass; returns the first cluster's report and the
 * Kubernetes requests of the pass (the peer's counts are reset first).
 */
export async function reconcileCounted(h: Harness, peer: KubePeer) {
  peer.resetCounts();
  const [report] = await h.services.reconciler.reconcileAll();
  return { report, counts: peer.requestCounts() };
}

/** Everything a namespace test needs, on one database and one peer. */
export interface Harness {
  app: express.Express;
  services: NamespaceServices;
  history: DatabaseHistoryStore;
  /** The migrated database, for other stores. */
  knex: Knex;
  setOrg(org: Record<string, string[]>): void;
  /** Changes the catalog only: tokens keep the claims of the last `setOrg`. */
  setCatalog(org: Record<string, string[]>, extraUsers?: string[]): void;
  clock: { now: Date };
  /** The clusters, config and catalog; `refresh()` reads the catalog again. */
  directory: LiveClusterDirectory;
  /** Replaces the catalog's non-org entities (clusters), keeping the org. */
  setEntities(entities: Entity[]): void;
  /** Every audit event of the router, in order. */
  auditEvents: RecordedAuditEvent[];
}

/** What {@link createHarness} builds on. */
export type HarnessOptions = {
  knex: Knex;
  peer: KubePeer;
  token: string;
  config?: JsonObject;
  policy?: TestPolicy;
  workerId?: string;
  /** Fixed clock; default real time. */
  clock?: Date;
  /** Options of the Kubernetes clients (page size, how they wait). */
  clientOptions?: KubernetesClientOptions;
  /** Catalog entities besides the org, e.g. kubernetes-cluster Resources. */
  entities?: Entity[];
  /** Ready requests a reconcile pass reads from the database at a time. */
  reconcilePageSize?: number;
};

/**
 * Builds the namespace services over a real database and the peer, and an
 * express app with the namespace router behind mock auth and permissions.
 */
export async function createHarness(options: HarnessOptions): Promise<Harness> {
  const database = mockServices.database({
    knex: options.knex,
    migrations: { skip: false },
  });
  const knex = await migrateDatabase(database);
  const history = new DatabaseHistoryStore(knex);
  const store = new DatabaseNamespaceStore(knex);
  const others = options.entities ?? [];
  let catalog: CatalogServiceMock = catalogServiceMock({
    entities: [...orgEntities(ORG), ...others],
  });
  const groups = new CatalogGroupDirectory({
    catalog: {
      getEntitiesByRefs: (...args) => catalog.getEntitiesByRefs(...args),
      getEntityByRef: (...args) => catalog.getEntityByRef(...args),
    },
    auth: mockServices.auth(),
  });
  const clock = { now: options.clock ?? new Date() };
  const settings = readClusterAccessSettings(
    new ConfigReader(options.config ?? peerConfig(options.peer, options.token)),
  );
  const logger = mockServices.logger.mock();
  const directory = new LiveClusterDirectory({
    sources: settings.clusterSources,
    logger,
    catalog: { getEntities: (...args) => catalog.getEntities(...args) },
    auth: mockServices.auth(),
    // The peers listen on loopback, which the demo allows by name.
    resolve: async () => ['127.0.0.1'],
  });
  await directory.refresh();
  const services = createNamespaceServices({
    settings: settings.namespaces,
    certificates: settings.certificates,
    clusters: directory,
    store,
    accessStore: new DatabaseAccessStore(knex),
    history: new HistoryRecorder({ store: history, logger }),
    groups,
    clients: new KubernetesClusterClientProvider(
      directory,
      options.clientOptions,
    ),
    logger,
    clock: options.clock ? () => clock.now : undefined,
    workerId: options.workerId,
    reconcilePageSize: options.reconcilePageSize,
  });

  const policy = options.policy ?? DEFAULT_POLICY;
  let currentOrg = ORG;
  const userOf = (credentials: any): string =>
    credentials?.principal?.userEntityRef ?? '';
  const permissions = mockServices.permissions.mock({
    authorize: async (requests, { credentials }) =>
      requests.map(r => ({
        result: (
          r.permission.attributes.action === 'read'
            ? policy.read?.(userOf(credentials), r.permission.name) ?? true
            : policy.allowed(userOf(credentials), r.permission.name)
        )
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })) as any,
    authorizeConditional: async (requests, { credentials }) =>
      requests.map(r => {
        const user = userOf(credentials);
        if (r.permission.name !== 'cluster-access.request.approve') {
          if (!policy.allowed(user, r.permission.name)) {
            return { result: AuthorizeResult.DENY };
          }
          const conditions = policy.conditions?.(user, r.permission.name);
          if (!conditions) return { result: AuthorizeResult.ALLOW };
          return {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'cluster-access',
            resourceType: 'cluster-access-request',
            conditions,
          };
        }
        const decision = policy.approve(user);
        if (decision === 'allow') return { result: AuthorizeResult.ALLOW };
        if (decision === 'deny') return { result: AuthorizeResult.DENY };
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'cluster-access',
          resourceType: 'cluster-access-request',
          conditions: {
            rule: 'IS_TIER',
            resourceType: 'cluster-access-request',
            params: { tiers: decision.tiers },
          },
        };
      }) as any,
  });
  const userInfo = mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const user = userOf(credentials);
      const name = user.split('/')[1];
      return {
        userEntityRef: user,
        ownershipEntityRefs: [
          user,
          ...Object.entries(currentOrg)
            .filter(([, members]) => members.includes(name))
            .map(([group]) => `group:default/${group}`),
        ],
      };
    },
  });
  const rules = Object.values(namespaceRequestPermissionRules);
  const auditEvents: RecordedAuditEvent[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId, severityLevel, meta }) => {
      const event: RecordedAuditEvent = {
        eventId,
        severityLevel: severityLevel ?? 'low',
        meta,
      };
      auditEvents.push(event);
      return {
        success: async (result?: { meta?: JsonObject }) => {
          event.outcome = 'success';
          event.meta = { ...event.meta, ...result?.meta };
        },
        fail: async ({ error }) => {
          event.outcome = 'fail';
          event.error = error;
        },
      };
    },
  });
  const router = await createNamespacesRouter({
    // Requests without a token are anonymous, as in production.
    httpAuth: mockServices.httpAuth({
      defaultCredentials: mockCredentials.none(),
    }),
    userInfo,
    permissions,
    auditor,
    requestRuleset: {
      getRuleByName: (name: string) => {
        const rule = rules.find(r => r.name === name);
        if (!rule) throw new Error(`no rule ${name}`);
        return rule as any;
      },
    },
    ...services,
  });
  const app = express();
  app.use(router);
  app.use(mockErrorHandler());
  return {
    app,
    services,
    history,
    knex,
    clock,
    directory,
    setEntities(entities) {
      others.splice(0, others.length, ...entities);
      catalog = catalogServiceMock({
        entities: [...orgEntities(currentOrg), ...others],
      });
    },
    auditEvents,
    setOrg(org) {
      currentOrg = org;
      catalog = catalogServiceMock({
        entities: [...orgEntities(org), ...others],
      });
    },
    setCatalog(org, extraUsers) {
      catalog = catalogServiceMock({
        entities: [...orgEntities(org, extraUsers), ...others],
      });
    },
  };
}

/**
 * Polls until `check` holds (the Kubernetes peer deletes namespaces after a
 * delay, like a real namespace controller); fails after `timeoutMs`.
 */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
