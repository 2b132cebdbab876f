import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { CertificateService } from '../certificates/CertificateService';
import {
  CertificateSigner,
  IdentityDirectory,
  SignCertificateRequest,
  SignedCertificate,
} from '@cluster-access/plugin-cluster-access-node';
import { DatabaseCertificateStore } from '../certificates/DatabaseCertificateStore';
import {
  toBackstageError,
  VaultResponseError,
  VaultUnreachableError,
} from '../certificates/vault/errors';
import { CertificatesSettings } from '../config/types';
import { migrateDatabase } from '../database/migrations';
import { DatabaseHistoryStore } from '../history/DatabaseHistoryStore';
import { HistoryRecorder } from '../history/HistoryRecorder';
import {
  clientSubject,
  createCsr,
  createSmugglingCsr,
  createTestCa,
  testKeys,
  TestCa,
  withBrokenSignature,
} from '../__testUtils__/pki';
import { createRouter } from './router';
import { staticClusterDirectory } from '../config/ClusterDirectory';

jest.setTimeout(30_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const MALLORY = 'user:default/mallory';
const EU_ALICE = 'user:eu/alice';
const GROUPS_OF: Record<string, string[]> = {
  [ALICE]: ['group:default/payments'],
  [EU_ALICE]: ['group:eu/payments', 'group:attacker/platform-admins'],
};
// What alice's certificates carry: catalog group payments, Vault group ops;
// Vault's system:masters is never emitted.
const ALICE_GROUPS = ['ops', 'payments'];

const LIE_USAGES: Record<string, string[]> = {
  'server-auth': [x509.ExtendedKeyUsage.serverAuth],
  'smuggled-usages': [
    x509.ExtendedKeyUsage.clientAuth,
    x509.ExtendedKeyUsage.ocspSigning,
  ],
};

/** A signer on an in-memory CA, with switches for failures and lies. */
class FakeSigner implements CertificateSigner {
  readonly signed: SignCertificateRequest[] = [];
  readonly revoked: string[] = [];
  failWith?: Error;
  lie?:
    | 'extra-group'
    | 'long-lived'
    | 'server-auth'
    | 'smuggled-usages'
    | 'san'
    | 'ca';
  maxTtlSeconds?: number;

  constructor(private readonly ca: TestCa) {}

  async getMaxTtlSeconds() {
    return this.maxTtlSeconds;
  }

  async getTrustAnchors() {
    return [this.ca.pem];
  }

  async sign(req: SignCertificateRequest): Promise<SignedCertificate> {
    this.signed.push(req);
    if (this.failWith) throw this.failWith;
    const ttl =
      this.lie === 'long-lived' ? req.ttlSeconds + 3600 : req.ttlSeconds;
    const { pem, serialNumber } = await this.ca.sign({
      csrPem: req.csrPem,
      notAfter: new Date(Date.now() + ttl * 1000),
      subject:
        this.lie === 'extra-group'
          ? clientSubject(req.username, [...req.groups, 'system:masters'])
          : undefined,
      extendedKeyUsages: LIE_USAGES[this.lie ?? ''],
      keyUsages:
        this.lie === 'smuggled-usages'
          ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign
          : undefined,
      ca: this.lie === 'ca' ? true : undefined,
      extraExtensions:
        this.lie === 'san'
          ? [
              new x509.SubjectAlternativeNameExtension([
                { type: 'dns', value: 'kubernetes.default' },
              ]),
            ]
          : [],
    });
    return {
      certificatePem: pem,
      caChainPems: [this.ca.pem],
      serialNumber,
      warnings: ['a warning from the signer'],
    };
  }

  async revoke(options: { serialNumber: string }) {
    this.revoked.push(options.serialNumber);
  }
}

/**
 * A directory that counts what it is asked: alice has Vault groups (one of
 * them reserved); nobody exists until ensureUser makes them.
 */
class FakeDirectory implements IdentityDirectory {
  readonly created = new Set<string>();
  readonly calls: string[] = [];
  async findUser(options: { username: string }) {
    this.calls.push(`find ${options.username}`);
    if (!this.created.has(options.username) && options.username !== 'alice') {
      return undefined;
    }
    return {
      id: `entity-${options.username}`,
      groups: options.username === 'alice' ? ['ops', 'system:masters'] : [],
    };
  }
  async ensureUser(options: { username: string }) {
    this.calls.push(`ensure ${options.username}`);
    const created = !this.created.has(options.username);
    this.created.add(options.username);
    return {
      id: `entity-${options.username}`,
      created,
      groups: options.username === 'alice' ? ['ops', 'system:masters'] : [],
    };
  }
}

const certificatesConfig: CertificatesSettings = {
  defaultTtlSeconds: 8 * 3600,
  maxTtlSeconds: 24 * 3600,
  usernameFormat: '{{name}}',
  groupPrefix: '',
  includeVaultGroups: true,
  allowedGroups: [],
  deniedGroups: [],
};

describe('createRouter: certificates', () => {
  let ca: TestCa;
  let knex: Knex;
  let signer: FakeSigner;
  let directory: FakeDirectory;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let store: Pick<DatabaseHistoryStore, 'listHistory'> &
    Pick<DatabaseCertificateStore, 'listCertificates'>;
  let auditEvents: Array<{
    eventId: string;
    outcome?: 'success' | 'fail';
    error?: Error;
  }>;

  beforeAll(async () => {
    ca = await createTestCa('Router Test CA');
  });

  async function makeApp(options: { configured?: boolean } = {}) {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    const db = await migrateDatabase(
      mockServices.database({ knex, migrations: { skip: false } }),
    );
    const historyStore = new DatabaseHistoryStore(db);
    const certificateStore = new DatabaseCertificateStore(db);
    store = {
      listHistory: query => historyStore.listHistory(query),
      listCertificates: query => certificateStore.listCertificates(query),
    };
    signer = new FakeSigner(ca);
    directory = new FakeDirectory();
    auditEvents = [];
    const auditor = mockServices.auditor.mock({
      createEvent: async ({ eventId }) => {
        const event: (typeof auditEvents)[number] = { eventId };
        auditEvents.push(event);
        return {
          success: async () => {
            event.outcome = 'success';
          },
          fail: async ({ error }) => {
            event.outcome = 'fail';
            event.error = error;
          },
        };
      },
    });
    const permissions = mockServices.permissions.mock({
      authorize: async (requests, { credentials }) =>
        requests.map(() => ({
          result:
            (credentials.principal as { userEntityRef?: string })
              .userEntityRef === MALLORY
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
    });
    const userInfo = mockServices.userInfo.mock({
      getUserInfo: async credentials => {
        const ref = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, ...(GROUPS_OF[ref] ?? [])],
        };
      },
    });
    logger = mockServices.logger.mock();
    const certificates =
      options.configured === false
        ? undefined
        : new CertificateService({
            certificates: certificatesConfig,
            clusters: staticClusterDirectory([
              {
                name: 'sandbox',
                title: 'Sandbox',
                url: 'https://127.0.0.1:6443',
                caPem: 'PEM',
              },
            ]),
            signer,
            directory,
            store: certificateStore,
            history: new HistoryRecorder({ store: historyStore, logger }),
            logger,
          });
    const router = await createRouter({
      logger,
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      userInfo,
      permissions,
      auditor,
      history: historyStore,
      certificates,
    });
    return express().use(router).use(mockErrorHandler());
  }

  afterEach(async () => {
    await knex?.destroy();
  });

  const as = (ref: string) => mockCredentials.user.header(ref);

  async function aliceCsr(
    overrides: Partial<Parameters<typeof createCsr>[0]> = {},
  ) {
    return createCsr({
      subject: clientSubject('alice', ALICE_GROUPS),
      ...overrides,
    });
  }

  it('answers 401 without credentials and 403 for services and denied users', async () => {
    const app = await makeApp();
    const routes = [
      ['get', '/identity'],
      ['post', '/certificates'],
      ['get', '/certificates'],
      ['post', '/certificates/01:02/revoke'],
    ] as const;
    for (const [method, path] of routes) {
      expect((await request(app)[method](path)).status).toBe(401);
      expect(
        (
          await request(app)
            [method](path)
            .set('authorization', mockCredentials.service.header())
        ).status,
      ).toBe(403);
      // A request the spec accepts: a signed-in user's input is checked
      // against it before the permission.
      const denied = await request(app)
        [method](path)
        .set('authorization', as(MALLORY))
        .send(method === 'post' ? { csr: 'CSR' } : undefined);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toMatch(
        /cluster-access\.certificate\.create/,
      );
    }
    expect(signer.signed).toHaveLength(0);
    expect(auditEvents).toHaveLength(12);
    expect(auditEvents.every(e => e.outcome === 'fail')).toBe(true);
  });

  it('tells the caller who they are for certificates', async () => {
    const app = await makeApp();
    signer.maxTtlSeconds = 4 * 3600;
    const res = await request(app)
      .get('/identity')
      .set('authorization', as(ALICE));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      username: 'alice',
      groups: ALICE_GROUPS,
      defaultTtlSeconds: 4 * 3600,
      maxTtlSeconds: 4 * 3600,
    });
    expect(auditEvents).toEqual([
      expect.objectContaining({
        eventId: 'certificate-identity',
        outcome: 'success',
      }),
    ]);
  });

  it('issues, lists and revokes a certificate (201, 200)', async () => {
    const app = await makeApp();
    const issued = await request(app)
      .post('/certificates')
      .set('authorization', as(ALICE))
      .send({ csr: await aliceCsr(), ttlSeconds: 3600 });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      username: 'alice',
      groups: ALICE_GROUPS,
      caChain: [`${ca.pem.trim()}\n`],
      clusters: [
        {
          name: 'sandbox',
          title: 'Sandbox',
          server: 'https://127.0.0.1:6443',
          certificateAuthorityData: Buffer.from('PEM').toString('base64'),
        },
      ],
      warnings: ['a warning from the signer'],
    });
    const cert = new x509.X509Certificate(issued.body.certificate);
    expect(cert.subjectName.getField('O').sort()).toEqual(ALICE_GROUPS);
    const expiresIn = new Date(issued.body.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(3500_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);
    expect(signer.signed[0]).toMatchObject({
      ttlSeconds: 3600,
      username: 'alice',
      groups: ALICE_GROUPS,
      keyType: 'ec',
    });
    const serial = issued.body.serialNumber;

    const listed = await request(app)
      .get('/certificates')
      .set('authorization', as(ALICE));
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      {
        serialNumber: serial,
        username: 'alice',
        groups: ALICE_GROUPS,
        issuedAt: expect.any(String),
        expiresAt: issued.body.expiresAt,
      },
    ]);
    const bobs = await request(app)
      .get('/certificates')
      .set('authorization', as(BOB));
    expect(bobs.body.items).toEqual([]);

    // Other users' certificates and unknown serials are both "not found".
    for (const [who, path] of [
      [BOB, `/certificates/${serial}/revoke`],
      [ALICE, '/certificates/00:11:22/revoke'],
      [ALICE, '/certificates/not-a-serial/revoke'],
    ]) {
      const res = await request(app).post(path).set('authorization', as(who));
      expect(res.status).toBe(404);
    }
    expect(signer.revoked).toEqual([]);

    const revoked = await request(app)
      .post(`/certificates/${serial.replace(/:/g, '-')}/revoke`)
      .set('authorization', as(ALICE));
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect(signer.revoked).toEqual([serial]);
    const again = await request(app)
      .post(`/certificates/${serial}/revoke`)
      .set('authorization', as(ALICE));
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    expect(signer.revoked).toEqual([serial]);

    const history = await store.listHistory();
    expect(history.map(e => e.type)).toEqual([
      'certificate.revoked',
      'certificate.failed',
      'certificate.failed',
      'certificate.failed',
      'certificate.issued',
    ]);
    expect(history[4]).toMatchObject({
      actor: ALICE,
      details: { serialNumber: serial, groups: ALICE_GROUPS },
    });
    expect(auditEvents.map(e => `${e.eventId}:${e.outcome}`)).toEqual([
      'certificate-issue:success',
      'certificate-list:success',
      'certificate-list:success',
      'certificate-revoke:fail',
      'certificate-revoke:fail',
      'certificate-revoke:fail',
      'certificate-revoke:success',
      'certificate-revoke:success',
    ]);
  });

  it.each([
    [
      'another CN',
      () => createCsr({ subject: clientSubject('bob', ALICE_GROUPS) }),
      /CN 'bob' is not your username/,
    ],
    [
      'an extra O system:masters',
      () =>
        createCsr({
          subject: clientSubject('alice', [...ALICE_GROUPS, 'system:masters']),
        }),
      /O 'system:masters' is not one of your groups/,
    ],
    [
      'two CNs',
      () =>
        createCsr({
          subject: [
            { CN: ['alice'] },
            { CN: ['admin'] },
            ...ALICE_GROUPS.map(g => ({ O: [g] })),
          ],
        }),
      /exactly one CN/,
    ],
    [
      'SANs',
      async () =>
        createCsr({
          subject: clientSubject('alice', ALICE_GROUPS),
          extensions: [
            new x509.SubjectAlternativeNameExtension([
              { type: 'dns', value: 'kubernetes' },
            ]),
          ],
        }),
      /subject alternative names/,
    ],
    [
      'an RSA-1024 key',
      async () =>
        createCsr({
          subject: clientSubject('alice', ALICE_GROUPS),
          keys: await testKeys('rsa-1024'),
        }),
      /1024 bits is too weak/,
    ],
    [
      'a bad signature',
      async () =>
        withBrokenSignature(
          await createCsr({ subject: clientSubject('alice', ALICE_GROUPS) }),
        ),
      /signature does not verify/,
    ],
    ['garbage', async () => 'garbage', /not a PEM certificate request/],
  ])(
    'refuses a CSR with %s (400) before it reaches the signer',
    async (_name, makeCsr, message) => {
      const app = await makeApp();
      const res = await request(app)
        .post('/certificates')
        .set('authorization', as(ALICE))
        .send({ csr: await makeCsr() });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(signer.signed).toHaveLength(0);
      expect(await store.listCertificates({ userEntityRef: ALICE })).toEqual(
        [],
      );
      const [failed] = await store.listHistory();
      expect(failed).toMatchObject({
        type: 'certificate.failed',
        actor: ALICE,
      });
      expect(auditEvents[0]).toMatchObject({
        eventId: 'certificate-issue',
        outcome: 'fail',
      });
    },
  );

  it.each([
    ['a string', '3600', /ttlSeconds/],
    ['negative', -5, /ttlSeconds/],
    ['a fraction', 60.5, /ttlSeconds/],
    ['too short', 30, /ttlSeconds must be >= 60/],
    ['beyond the maximum', 86401, /between 60 and 86400/],
  ])('refuses a TTL that is %s (400)', async (_name, ttlSeconds, message) => {
    const app = await makeApp();
    const res = await request(app)
      .post('/certificates')
      .set('authorization', as(ALICE))
      .send({ csr: await aliceCsr(), ttlSeconds });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(signer.signed).toHaveLength(0);
  });

  it('refuses bodies without a csr or with unknown fields (400)', async () => {
    const app = await makeApp();
    for (const body of [
      {},
      { csr: await aliceCsr(), groups: ['system:masters'] },
    ]) {
      const res = await request(app)
        .post('/certificates')
        .set('authorization', as(ALICE))
        .send(body);
      expect(res.status).toBe(400);
    }
  });

  it('caps the TTL to the signer role and says so', async () => {
    const app = await makeApp();
    signer.maxTtlSeconds = 1800;
    const res = await request(app)
      .post('/certificates')
      .set('authorization', as(ALICE))
      .send({ csr: await aliceCsr(), ttlSeconds: 7200 });
    expect(res.status).toBe(201);
    expect(signer.signed[0].ttlSeconds).toBe(1800);
    expect(res.body.warnings[0]).toMatch(/capped to 1800s/);
  });

  it.each([
    [
      'sealed',
      503,
      new VaultResponseError(503, ['Vault is sealed']),
      /Vault is sealed/,
    ],
    [
      'down',
      503,
      new VaultUnreachableError(
        'is unreachable (ECONNREFUSED)',
        'http://vault:8200',
      ),
      /^Certificate issuance is unavailable: Vault is unreachable \(ECONNREFUSED\) while/,
    ],
    [
      'timing out',
      503,
      new VaultUnreachableError(
        'did not answer within 5000ms',
        'http://vault:8200',
      ),
      /did not answer within 5000ms/,
    ],
    [
      'refusing (403)',
      502,
      new VaultResponseError(403, ['permission denied']),
      /check the Vault policy/,
    ],
  ])(
    'answers %s Vault with %d and stores nothing',
    async (_name, status, vaultError, message) => {
      const app = await makeApp();
      signer.failWith = toBackstageError(vaultError, {
        action: 'sign the certificate',
      });
      const res = await request(app)
        .post('/certificates')
        .set('authorization', as(ALICE))
        .send({ csr: await aliceCsr() });
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      // Vault's address is for operators' logs, not for users.
      expect(JSON.stringify(res.body)).not.toMatch(/vault:8200/);
      expect(await store.listCertificates({ userEntityRef: ALICE })).toEqual(
        [],
      );
      expect((await store.listHistory())[0].type).toBe('certificate.failed');
      expect(auditEvents[0]).toMatchObject({ outcome: 'fail' });
    },
  );

  it.each([
    ['an extra group', 'extra-group' as const, /O values/],
    ['a longer lifetime', 'long-lived' as const, /NotAfter/],
    ['no clientAuth usage', 'server-auth' as const, /clientAuth/],
    [
      'OCSP signing and CA signing usages',
      'smuggled-usages' as const,
      /key usage keyCertSign.*extended key usage 1\.3\.6\.1\.5\.5\.7\.3\.2, 1\.3\.6\.1\.5\.5\.7\.3\.9/,
    ],
    ['subject alternative names', 'san' as const, /2\.5\.29\.17/],
    ['CA:true', 'ca' as const, /a CA certificate/],
  ])(
    'refuses (502) and revokes a certificate with %s from the signer',
    async (_name, lie, message) => {
      const app = await makeApp();
      signer.lie = lie;
      const res = await request(app)
        .post('/certificates')
        .set('authorization', as(ALICE))
        .send({ csr: await aliceCsr(), ttlSeconds: 3600 });
      expect(res.status).toBe(502);
      expect(res.body.error.message).toMatch(message);
      expect(await store.listCertificates({ userEntityRef: ALICE })).toEqual(
        [],
      );
      expect(signer.revoked).toHaveLength(1);
      const [failed] = await store.listHistory();
      expect(failed).toMatchObject({
        type: 'certificate.failed',
        message:
          'Certificate issuance failed: the certificate service answered in a way that cannot be used; operators have been told.',
        details: { action: 'issue', reason: 'signer-error' },
      });
    },
  );

  it('revokes a certificate whose history event cannot be written, and keeps no half of it (500)', async () => {
    const app = await makeApp();
    // The database refuses the issued event only, after the certificate row
    // was written in the same transaction.
    await knex.raw(`
      CREATE TRIGGER refuse_issued BEFORE INSERT ON cluster_access_history
      WHEN NEW.type = 'certificate.issued'
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const res = await request(app)
      .post('/certificates')
      .set('authorization', as(ALICE))
      .send({ csr: await aliceCsr() });
    expect(res.status).toBe(500);
    expect(signer.revoked).toHaveLength(1);
    expect(await store.listCertificates({ userEntityRef: ALICE })).toEqual([]);
    const history = await store.listHistory();
    expect(history).toEqual([
      expect.objectContaining({
        type: 'certificate.failed',
        details: { action: 'issue', reason: 'internal-error' },
      }),
    ]);
    expect(auditEvents[0]).toMatchObject({ outcome: 'fail' });

    await knex.raw('DROP TRIGGER refuse_issued');
    const retried = await request(app)
      .post('/certificates')
      .set('authorization', as(ALICE))
      .send({ csr: await aliceCsr() });
    expect(retried.status).toBe(201);
    expect(await store.listCertificates({ userEntityRef: ALICE })).toEqual([
      expect.objectContaining({ serialNumber: retried.body.serialNumber }),
    ]);
    expect((await store.listHistory())[0]).toMatchObject({
      type: 'certificate.issued',
      details: { serialNumber: retried.body.serialNumber },
    });
  });

  it('answers 503 when certificate issuance is not configured', async () => {
    const app = await makeApp({ configured: false });
    for (const [method, path] of [
      ['get', '/identity'],
      ['post', '/certificates'],
      ['get', '/certificates'],
    ] as const) {
      // A request the spec accepts: what breaks it is a 400 first.
      const res = await request(app)
        [method](path)
        .set('authorization', as(ALICE))
        .send(method === 'post' ? { csr: 'CSR' } : undefined);
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/not configured/);
    }
  });

  it('refuses a CSR that smuggles usages in a second attribute before any Vault call (400)', async () => {
    const app = await makeApp();
    const res = await request(app)
      .post('/certificates')
      .set('authorization', as(ALICE))
      .send({
        csr: await createSmugglingCsr({
          subject: clientSubject('alice', ALICE_GROUPS),
        }),
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/2 extensionRequest attributes/);
    expect(directory.calls).toEqual([]);
    expect(signer.signed).toHaveLength(0);
    expect(await store.listCertificates({ userEntityRef: ALICE })).toEqual([]);
  });

  it('reads but never writes the Vault identity for a CSR with the wrong groups', async () => {
    const app = await makeApp();
    const res = await request(app)
      .post('/certificates')
      .set('authorization', as(ALICE))
      .send({
        csr: await createCsr({
          subject: clientSubject('alice', [
            ...ALICE_GROUPS,
            'kubeadm:cluster-admins',
          ]),
        }),
      });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /O 'kubeadm:cluster-admins' is not one of your groups/,
    );
    expect(directory.calls).toEqual(['find alice']);
    expect(signer.signed).toHaveLength(0);
  });

  it('creates nothing for people who only look', async () => {
    const app = await makeApp();
    for (let i = 0; i < 2; i++) {
      const res = await request(app)
        .get('/identity')
        .set('authorization', as(BOB));
      expect(res.status).toBe(200);
      expect(res.body.groups).toEqual([]);
    }
    expect(directory.calls).toEqual(['find bob', 'find bob']);
    const issued = await request(app)
      .post('/certificates')
      .set('authorization', as(BOB))
      .send({ csr: await createCsr({ subject: clientSubject('bob', []) }) });
    expect(issued.status).toBe(201);
    expect(directory.calls.slice(2)).toEqual(['find bob', 'ensure bob']);
  });

  it('names users and Groups of other catalog namespaces apart from the default ones', async () => {
    const app = await makeApp();
    const res = await request(app)
      .get('/identity')
      .set('authorization', as(EU_ALICE));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      username: 'eu/alice',
      groups: ['attacker/platform-admins', 'eu/payments'],
    });
    // default/alice's certificate name does not pass for eu/alice.
    const posing = await request(app)
      .post('/certificates')
      .set('authorization', as(EU_ALICE))
      .send({ csr: await aliceCsr() });
    expect(posing.status).toBe(400);
    expect(posing.body.error.message).toMatch(
      /CN 'alice' is not your username 'eu\/alice'/,
    );
    const issued = await request(app)
      .post('/certificates')
      .set('authorization', as(EU_ALICE))
      .send({
        csr: await createCsr({
          subject: clientSubject('eu/alice', res.body.groups),
        }),
      });
    expect(issued.status).toBe(201);
    expect(issued.body.username).toBe('eu/alice');
  });

  it('refuses (403) a user whose catalog name cannot be a certificate name', async () => {
    const app = await makeApp();
    const res = await request(app)
      .get('/identity')
      .set('authorization', as('user:default/zoë'));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(
      /No certificate can be issued to user:default\/zoë: the name 'zoë'/,
    );
    expect(directory.calls).toEqual([]);
  });

  it('keeps Vault addresses and upstream text out of the public history', async () => {
    const app = await makeApp();
    signer.failWith = toBackstageError(
      new VaultUnreachableError(
        'is unreachable (ECONNREFUSED)',
        'http://vault.internal:8200',
      ),
      { action: 'sign the certificate' },
    );
    const res = await request(app)
      .post('/certificates')
      .set('authorization', as(ALICE))
      .send({ csr: await aliceCsr() });
    expect(res.status).toBe(503);
    const [failed] = await store.listHistory();
    expect(failed.message).toBe(
      'Certificate issuance failed: the certificate service was unavailable; trying again later may work.',
    );
    expect(JSON.stringify(failed)).not.toMatch(/vault\.internal|ECONNREFUSED/);
    expect(JSON.stringify(res.body)).not.toMatch(/vault\.internal/);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/Vault is unreachable \(ECONNREFUSED\)/),
    );
  });
});
