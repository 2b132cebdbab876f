import 'reflect-metadata';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KubePeer } from '@cluster-access/sandbox';
import express from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { CertificateService } from '../certificates/CertificateService';
import {
  CertificateSigner,
  IdentityDirectory,
  SignCertificateRequest,
  SignedCertificate,
} from '@cluster-access/plugin-cluster-access-node';
import { DatabaseCertificateStore } from '../certificates/DatabaseCertificateStore';
import { HistoryRecorder } from '../history/HistoryRecorder';
import { BadGatewayError } from '../lib/errors';
import { createRouter } from '../service/router';
import {
  clientSubject,
  createCsr,
  createTestCa,
  TestCa,
} from '../__testUtils__/pki';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { createHarness, Harness, startPeer } from '../__testUtils__/harness';

jest.setTimeout(60_000);

type Schema = Record<string, any>;
const spec = parse(readFileSync(join(__dirname, 'openapi.yaml'), 'utf8'));

function resolve(schema: Schema): Schema {
  if (schema.$ref) {
    const path = (schema.$ref as string).replace(/^#\//, '').split('/');
    return resolve(path.reduce((node: any, key) => node[key], spec));
  }
  return schema;
}

/** `method path` of every documented operation. */
function documentedOperations(): string[] {
  return Object.entries(spec.paths).flatMap(([p, ops]: any) =>
    Object.keys(ops)
      .filter(k => k !== 'parameters')
      .map(m => `${m} ${p}`),
  );
}

/** `method path` of every route of an express app or router, in spec notation. */
function routesOf(router: any): string[] {
  const stack: any[] = router._router?.stack ?? router.stack ?? [];
  return stack.flatMap(layer =>
    layer.route
      ? Object.keys(layer.route.methods).map(
          (m: string) => `${m} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
        )
      : routesOf(layer.handle),
  );
}

/**
 * Stands in for Vault in both of its roles, like the fakes of
 * `router.test.ts`: signs on an in-memory CA, finds users without Vault
 * groups, and fails every call with `failWith` when it is set.
 */
class FakeVault implements CertificateSigner, IdentityDirectory {
  failWith?: Error;

  constructor(private readonly ca: TestCa) {}

  async getMaxTtlSeconds() {
    return undefined;
  }

  async getTrustAnchors() {
    return [this.ca.pem];
  }

  async sign(req: SignCertificateRequest): Promise<SignedCertificate> {
    if (this.failWith) throw this.failWith;
    const { pem, serialNumber } = await this.ca.sign({
      csrPem: req.csrPem,
      notAfter: new Date(Date.now() + req.ttlSeconds * 1000),
    });
    return {
      certificatePem: pem,
      caChainPems: [this.ca.pem],
      serialNumber,
      warnings: [],
    };
  }

  async revoke() {
    if (this.failWith) throw this.failWith;
  }

  async findUser(options: { username: string }) {
    if (this.failWith) throw this.failWith;
    if (options.username === 'taken') {
      throw new ConflictError(
        "The Vault identity for the certificate name 'taken' belongs to user:default/someone-else",
      );
    }
    return { id: `entity-${options.username}`, groups: [] };
  }

  async ensureUser(options: { username: string }) {
    if (this.failWith) throw this.failWith;
    return { id: `entity-${options.username}`, created: false, groups: [] };
  }
}

/** The subset of JSON Schema the spec uses; returns the problems found. */
function validate(value: unknown, raw: Schema, at = '$'): string[] {
  const schema = resolve(raw);
  if (schema.enum && !schema.enum.includes(value)) {
    return [`${at}: ${JSON.stringify(value)} not in ${schema.enum}`];
  }
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: not a string`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((v, i) => validate(v, schema.items, `${at}[${i}]`))
        : [`${at}: not an array`];
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [`${at}: not an object`];
      }
      const obj = value as Record<string, unknown>;
      const problems = (schema.required ?? [])
        .filter((k: string) => !(k in obj))
        .map((k: string) => `${at}.${k}: missing`);
      for (const [k, v] of Object.entries(obj)) {
        const property = schema.properties?.[k];
        if (property) {
          problems.push(...validate(v, property, `${at}.${k}`));
        } else if (typeof schema.additionalProperties === 'object') {
          problems.push(
            ...validate(v, schema.additionalProperties, `${at}.${k}`),
          );
        } else if (schema.properties && schema.additionalProperties !== true) {
          problems.push(`${at}.${k}: not in the spec`);
        }
      }
      return problems;
    }
    default:
      return [];
  }
}

describe('openapi.yaml', () => {
  const databases = createTestDatabases();
  let peer: KubePeer;
  let token: string;
  let h: Harness;
  let vault: FakeVault;
  /** The plugin's main router (health, history, certificates). */
  let certificatesRouter: express.Router;
  /** Both routers and the error handler, as the plugin mounts them. */
  let app: express.Express;
  /** The same without `clusterAccess.vault`. */
  let unconfigured: express.Express;
  const checked = new Set<string>();
  /** Statuses each operation answered with, by `method template`. */
  const answered = new Map<string, Set<number>>();

  beforeAll(async () => {
    ({ peer, token } = await startPeer());
    h = await createHarness({
      knex: await databases.init('SQLITE_3'),
      peer,
      token,
      policy: {
        allowed: user => user !== 'user:default/mallory',
        approve: user => (user === 'user:default/carol' ? 'allow' : 'deny'),
      },
    });
    vault = new FakeVault(await createTestCa('OpenAPI Test CA'));
    const logger = mockServices.logger.mock();
    const options = {
      logger,
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      userInfo: mockServices.userInfo.mock({
        getUserInfo: async credentials => {
          const ref = (credentials.principal as { userEntityRef: string })
            .userEntityRef;
          return {
            userEntityRef: ref,
            ownershipEntityRefs: [ref, 'group:default/payments'],
          };
        },
      }),
      permissions: mockServices.permissions.mock({
        authorize: async (requests, { credentials }) =>
          requests.map(() => ({
            result:
              (credentials.principal as { userEntityRef?: string })
                .userEntityRef === 'user:default/mallory'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }),
      auditor: mockServices.auditor.mock({
        createEvent: async () => ({
          success: async () => {},
          fail: async () => {},
        }),
      }),
      history: h.history,
    };
    certificatesRouter = await createRouter({
      ...options,
      certificates: new CertificateService({
        certificates: {
          defaultTtlSeconds: 8 * 3600,
          maxTtlSeconds: 24 * 3600,
          usernameFormat: '{{name}}',
          groupPrefix: '',
          includeVaultGroups: true,
          allowedGroups: [],
          deniedGroups: [],
        },
        clusters: [
          {
            name: 'sandbox',
            title: 'Sandbox',
            url: peer.url,
            caPem: peer.caPem,
          },
        ],
        signer: vault,
        directory: vault,
        store: new DatabaseCertificateStore(h.knex),
        history: new HistoryRecorder({ store: h.history, logger }),
        logger,
      }),
    });
    app = express().use(certificatesRouter).use(h.app).use(mockErrorHandler());
    unconfigured = express()
      .use(await createRouter(options))
      .use(mockErrorHandler());
  });
  afterAll(() => peer.close());

  /** Sends a request and checks the answer against the documented response. */
  async function call(
    method: 'get' | 'post' | 'delete',
    path: string,
    template: string,
    options: { user?: string; body?: object; app?: express.Express } = {},
  ) {
    let req = request(options.app ?? app)[method](path);
    if (options.user === 'service') {
      req = req.set('authorization', mockCredentials.service.header());
    } else if (options.user !== '') {
      req = req.set(
        'authorization',
        mockCredentials.user.header(`user:default/${options.user ?? 'alice'}`),
      );
    }
    const res = options.body ? await req.send(options.body) : await req;
    const operation = spec.paths[template]?.[method];
    expect({ template, method, documented: Boolean(operation) }).toEqual({
      template,
      method,
      documented: true,
    });
    const response = operation.responses[String(res.status)];
    expect({
      template,
      method,
      status: res.status,
      documented: Boolean(response),
    }).toEqual({ template, method, status: res.status, documented: true });
    const schema = resolve(response).content?.['application/json']?.schema;
    expect({
      template,
      method,
      status: res.status,
      problems: validate(res.body, schema),
    }).toEqual({ template, method, status: res.status, problems: [] });
    checked.add(`${method} ${template}`);
    const statuses = answered.get(`${method} ${template}`) ?? new Set();
    answered.set(`${method} ${template}`, statuses.add(res.status));
    return res;
  }

  it('describes every route of the plugin', () => {
    const routes = [...routesOf(certificatesRouter), ...routesOf(h.app)];
    expect(routes).toContain('get /health');
    expect(routes).toContain('get /tiers');
    expect(routes.sort()).toEqual(documentedOperations().sort());
  });

  it('matches what the routes answer, on success and refusal', async () => {
    await call('get', '/tiers', '/tiers');
    await call('get', '/tiers', '/tiers', { user: '' });
    await call('get', '/clusters', '/clusters');
    const body = {
      cluster: 'sandbox',
      namespace: 'payments-spec-dev',
      owner: 'group:default/payments',
      tier: 'dev',
      reason: 'spec',
    };
    const dryRun = await call('post', '/requests/dry-run', '/requests/dry-run', {
      body,
    });
    expect(dryRun.status).toBe(200);
    await call('post', '/requests/dry-run', '/requests/dry-run', {
      body: { ...body, tier: 'nope' },
    });
    await call('post', '/requests/dry-run', '/requests/dry-run', {
      body,
      user: 'dave',
    });
    const created = await call('post', '/requests', '/requests', { body });
    expect(created.status).toBe(201);
    await call('post', '/requests/dry-run', '/requests/dry-run', { body });
    await call('post', '/requests', '/requests', { body });
    await call('post', '/requests', '/requests', {
      body: { ...body, namespace: 'X' },
    });
    await call('post', '/requests', '/requests', { body, user: 'dave' });
    await h.services.worker.idle();
    const qa = await call('post', '/requests', '/requests', {
      body: { ...body, namespace: 'payments-spec-qa', tier: 'qa' },
    });
    await call('get', '/requests?status=pending', '/requests');
    await call('get', `/requests/${created.body.id}`, '/requests/{id}');
    await call(
      'get',
      '/requests/6f1c3c50-0000-4000-8000-000000000009',
      '/requests/{id}',
    );
    await call(
      'post',
      `/requests/${qa.body.id}/approve`,
      '/requests/{id}/approve',
      {
        user: 'alice',
      },
    );
    await call(
      'post',
      `/requests/${qa.body.id}/reject`,
      '/requests/{id}/reject',
      {
        user: 'carol',
        body: {},
      },
    );
    await call(
      'post',
      `/requests/${qa.body.id}/approve`,
      '/requests/{id}/approve',
      {
        user: 'carol',
        body: { comment: 'ok' },
      },
    );
    await call(
      'post',
      `/requests/${qa.body.id}/reject`,
      '/requests/{id}/reject',
      {
        user: 'carol',
        body: { comment: 'late' },
      },
    );
    await h.services.worker.idle();
    const listed = await call('get', '/namespaces', '/namespaces');
    expect(listed.body.items.length).toBeGreaterThan(0);
    // A binding made with kubectl for an outsider, seen by the reconciler.
    peer.putObject({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'mallory-view', namespace: 'payments-spec-dev' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'view',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'User',
          name: 'mallory',
        },
      ],
    });
    await h.services.reconciler.reconcileAll();
    const access = await call(
      'get',
      '/access?owner=group:default/payments',
      '/access',
    );
    expect(access.body.items).toContainEqual(
      expect.objectContaining({ binding: 'mallory-view', flagged: true }),
    );
    await call('get', '/access?flagged=yes', '/access');
    await call('get', '/access', '/access', { user: '' });
    await call('get', '/access', '/access', { user: 'service' });
    const members = '/namespaces/{cluster}/{name}/members';
    await call(
      'post',
      '/namespaces/sandbox/payments-spec-dev/members',
      members,
      {
        body: { user: 'user:default/erin' },
      },
    );
    await call(
      'post',
      '/namespaces/sandbox/payments-spec-dev/members',
      members,
      {
        body: { user: 'user:default/erin' },
      },
    );
    await call(
      'delete',
      `/namespaces/sandbox/payments-spec-dev/members/${encodeURIComponent(
        'user:default/erin',
      )}`,
      `${members}/{user}`,
    );
    await call(
      'delete',
      '/namespaces/sandbox/payments-spec-dev/members/user:default:nobody',
      `${members}/{user}`,
    );
    await call(
      'delete',
      '/namespaces/sandbox/payments-spec-dev',
      '/namespaces/{cluster}/{name}',
      {
        body: { reason: 'done' },
      },
    );
    await call(
      'delete',
      '/namespaces/sandbox/payments-spec-dev',
      '/namespaces/{cluster}/{name}',
      {
        user: 'mallory',
      },
    );
  });

  it('matches what the health, history and certificate routes answer', async () => {
    expect(
      (await call('get', '/health', '/health', { user: '' })).body,
    ).toEqual({ status: 'ok' });

    const csr = await createCsr({
      subject: clientSubject('alice', ['payments']),
    });
    const identity = await call('get', '/identity', '/identity');
    expect(identity.body.groups).toEqual(['payments']);
    await call('get', '/identity', '/identity', { user: '' });
    await call('get', '/identity', '/identity', { user: 'mallory' });
    await call('get', '/identity', '/identity', { app: unconfigured });
    await call('get', '/identity', '/identity', { user: 'taken' });
    const issued = await call('post', '/certificates', '/certificates', {
      body: { csr, ttlSeconds: 3600 },
    });
    expect(issued.status).toBe(201);
    await call('post', '/certificates', '/certificates', {
      body: { csr: await createCsr({ subject: clientSubject('bob', []) }) },
    });
    await call('post', '/certificates', '/certificates', {
      body: { csr, ttlSeconds: 30 },
    });
    await call('post', '/certificates', '/certificates', {
      body: { csr: await createCsr({ subject: clientSubject('taken', []) }) },
      user: 'taken',
    });
    await call('post', '/certificates', '/certificates', {
      body: { csr, groups: ['system:masters'] },
    });
    await call('post', '/certificates', '/certificates', {
      body: { csr },
      user: '',
    });
    await call('post', '/certificates', '/certificates', {
      body: { csr },
      user: 'mallory',
    });
    await call('post', '/certificates', '/certificates', {
      body: { csr },
      app: unconfigured,
    });
    const listed = await call('get', '/certificates', '/certificates');
    expect(listed.body.items).toHaveLength(1);
    await call('get', '/certificates', '/certificates', { user: '' });
    await call('get', '/certificates', '/certificates', { user: 'mallory' });
    await call('get', '/certificates', '/certificates', { app: unconfigured });
    const revoke = '/certificates/{serial}/revoke';
    const serial = issued.body.serialNumber;
    await call('post', '/certificates/00:11:22/revoke', revoke);
    await call('post', `/certificates/${serial}/revoke`, revoke, {
      user: 'bob',
    });
    await call('post', `/certificates/${serial}/revoke`, revoke, { user: '' });
    await call('post', `/certificates/${serial}/revoke`, revoke, {
      user: 'mallory',
    });
    await call('post', `/certificates/${serial}/revoke`, revoke, {
      app: unconfigured,
    });

    // Vault refusing the backend (502) or being down (503).
    for (const [error, status] of [
      [new BadGatewayError('Vault refused to sign the certificate (403)'), 502],
      [new ServiceUnavailableError('Vault is sealed'), 503],
    ] as const) {
      vault.failWith = error;
      const answers = [
        await call('get', '/identity', '/identity'),
        await call('post', '/certificates', '/certificates', { body: { csr } }),
        await call('post', `/certificates/${serial}/revoke`, revoke),
      ];
      expect(answers.map(a => a.status)).toEqual([status, status, status]);
    }
    vault.failWith = undefined;
    const revoked = await call(
      'post',
      `/certificates/${serial}/revoke`,
      revoke,
    );
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const again = await call('get', '/certificates', '/certificates');
    expect(again.body.items[0].revokedAt).toBe(revoked.body.revokedAt);

    // The history holds the namespace requests of the test before and the
    // certificates of this one.
    const all = await call('get', '/history', '/history');
    const types = all.body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'request.created',
        'certificate.issued',
        'certificate.failed',
        'certificate.revoked',
      ]),
    );
    const withRequest = all.body.items.find(
      (e: { requestId?: string }) => e.requestId,
    );
    const ofRequest = await call(
      'get',
      `/history?request=${withRequest.requestId}&limit=1000`,
      '/history',
    );
    expect(ofRequest.body.items.length).toBeGreaterThan(0);
    const ofNamespace = await call(
      'get',
      `/history?namespace=${encodeURIComponent('sandbox/payments-spec-dev')}`,
      '/history',
    );
    expect(ofNamespace.body.items.length).toBeGreaterThan(0);
    const ofActor = await call(
      'get',
      `/history?actor=${encodeURIComponent('user:default/alice')}&limit=2`,
      '/history',
      { user: 'mallory' },
    );
    expect(ofActor.body.items).toHaveLength(2);
    await call('get', '/history?limit=0', '/history');
    await call('get', '/history?request=not-a-uuid', '/history');
    await call('get', '/history?since=yesterday', '/history');
    await call('get', '/history', '/history', { user: '' });
    await call('get', '/history', '/history', { user: 'service' });

    // These routes gave every answer their operation documents.
    for (const operation of [
      'get /health',
      'get /history',
      'get /identity',
      'post /certificates',
      'get /certificates',
      'post /certificates/{serial}/revoke',
    ]) {
      const [method, template] = operation.split(' ');
      expect({
        operation,
        statuses: [...(answered.get(operation) ?? [])].map(String).sort(),
      }).toEqual({
        operation,
        statuses: Object.keys(spec.paths[template][method].responses).sort(),
      });
    }
  });

  it('exercised every documented operation in the tests above', () => {
    expect([...checked].sort()).toEqual(documentedOperations().sort());
  });
});
