import {
  ApiException,
  KubeConfig,
  CoreV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { createClientCertificateAuthority } from '@cluster-access/sandbox';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import {
  asUser,
  DEFAULT_POLICY,
  fileRequest,
  Harness,
  HarnessOptions,
  paymentsRequest,
  sharedPeer,
} from '../../__testUtils__/harness';

jest.setTimeout(120_000);

const RBAC = 'rbac.authorization.k8s.io/v1';

describe('provisioning against the Kubernetes peer', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer();
  const unique = kube.unique;
  const extraKnex: Knex[] = [];

  afterAll(async () => {
    await Promise.all(extraKnex.map(k => k.destroy()));
  });

  const harness = async (
    databaseId: Parameters<typeof databases.init>[0],
    options: Partial<HarnessOptions> = {},
  ): Promise<Harness> =>
    kube.harness(await databases.init(databaseId), options);

  async function requestDev(h: Harness, namespace: string, user = 'alice') {
    const res = await fileRequest(
      h,
      paymentsRequest({ namespace, tier: 'dev', reason: 'test' }),
      user,
    );
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  const objectsIn = (namespace: string) =>
    Object.fromEntries(
      [
        ['v1', 'LimitRange'],
        ['v1', 'ResourceQuota'],
        ['networking.k8s.io/v1', 'NetworkPolicy'],
        [RBAC, 'Role'],
        [RBAC, 'RoleBinding'],
      ].map(([apiVersion, kind]) => [
        kind,
        kube.peer
          .listObjects({ apiVersion, kind, namespace })
          .map(o => o.metadata?.name)
          .sort(),
      ]),
    );

  it.each(databases.eachSupportedId())(
    'converges on retry, without duplicates, after a 500 injected after the namespace, on %p',
    async databaseId => {
      const start = new Date('2026-12-01T10:00:00Z');
      const h = await harness(databaseId, { clock: start });
      const namespace = `${unique('payments-flaky')}-dev`;
      kube.peer.failNext({
        verb: 'patch',
        resource: 'limitranges',
        status: 500,
      });
      const id = await requestDev(h, namespace);
      await h.services.worker.idle();

      const failed = await h.services.store.getRequest(id);
      expect(failed).toMatchObject({
        status: 'failed',
        attempts: 1,
        nextAttemptAt: new Date(start.getTime() + 30_000).toISOString(),
      });
      // A sentence for the requester; the cluster's own text is only logged.
      expect(failed?.error).toBe(
        'The cluster sandbox could not be reached or failed to apply the LimitRange cluster-access-defaults. Trying again in 30 seconds.',
      );
      expect(
        kube.peer.getObject({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: namespace,
        }),
      ).toBeDefined();
      expect(objectsIn(namespace).LimitRange).toEqual([]);

      // Not due yet: nothing happens.
      await h.services.worker.runOnce();
      expect((await h.services.store.getRequest(id))?.status).toBe('failed');

      h.clock.now = new Date(start.getTime() + 31_000);
      await h.services.worker.runOnce();
      const ready = await h.services.store.getRequest(id);
      expect(ready).toMatchObject({ status: 'ready', attempts: 2 });
      expect(ready?.error).toBeUndefined();
      expect(
        kube.peer
          .listObjects({ apiVersion: 'v1', kind: 'Namespace' })
          .filter(n => n.metadata?.name === namespace),
      ).toHaveLength(1);
      expect(objectsIn(namespace)).toEqual({
        LimitRange: ['cluster-access-defaults'],
        ResourceQuota: ['cluster-access-quota'],
        NetworkPolicy: ['cluster-access-isolation'],
        Role: ['rolebinding-manager'],
        RoleBinding: [
          'ca-edit-alice',
          'ca-edit-bob',
          'ca-rbm-alice',
          'ca-rbm-bob',
        ],
      });
      const types = (await h.history.listHistory({ requestId: id }))
        .map(e => e.type)
        .filter(t => t !== 'provisioning.step')
        .reverse();
      expect(types).toEqual([
        'request.created',
        'request.approved',
        'provisioning.started',
        'provisioning.failed',
        'provisioning.started',
        'provisioning.ready',
      ]);
      // Each attempt's steps come between its start and its outcome: the
      // failed one wrote the Namespace only; the retry applies it again and
      // writes every object once.
      const messages = (await h.history.listHistory({ requestId: id }))
        .reverse()
        .map(e => (e.type === 'provisioning.step' ? e.message : e.type));
      const retry = messages.lastIndexOf('provisioning.started');
      expect(messages.slice(0, retry)).toEqual([
        'request.created',
        'request.approved',
        'provisioning.started',
        `Created Namespace ${namespace}`,
        'provisioning.failed',
      ]);
      expect(messages.slice(retry)).toEqual([
        'provisioning.started',
        `Applied Namespace ${namespace}`,
        'Applied LimitRange cluster-access-defaults',
        'Applied ResourceQuota cluster-access-quota',
        'Applied NetworkPolicy cluster-access-isolation',
        'Applied RoleBinding ca-edit-alice',
        'Applied RoleBinding ca-edit-bob',
        'Applied Role rolebinding-manager',
        'Applied RoleBinding ca-rbm-alice',
        'Applied RoleBinding ca-rbm-bob',
        'provisioning.ready',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'never adopts a namespace it did not make, on %p',
    async databaseId => {
      const h = await harness(databaseId, {
        policy: { ...DEFAULT_POLICY, approve: () => 'allow' },
      });
      const foreign = `${unique('payments-hand')}-qa`;
      const created = await fileRequest(
        h,
        paymentsRequest({ namespace: foreign, tier: 'qa', reason: 'test' }),
      );
      expect(created.body.status).toBe('pending');
      // Someone makes it by hand while the request waits for approval.
      kube.peer.putObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: foreign, labels: { team: 'someone-else' } },
      });
      await request(h.app)
        .post(`/requests/${created.body.id}/approve`)
        .set('authorization', asUser('carol'))
        .expect(200);
      await h.services.worker.idle();
      const failed = await h.services.store.getRequest(created.body.id);
      expect(failed?.status).toBe('failed');
      expect(failed?.error).toBe(
        `Namespace ${foreign} already exists on cluster sandbox and was not made by this request; Cluster Access never takes over a namespace it did not make. Trying again in 30 seconds.`,
      );
      const ns = kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: foreign,
      })!;
      expect(ns.metadata?.labels).toEqual({
        team: 'someone-else',
        'kubernetes.io/metadata.name': foreign,
      });
      expect(objectsIn(foreign).RoleBinding).toEqual([]);

      // Carrying our label is not enough: it must be this request's namespace.
      const lookalike = `${unique('payments-copy')}-dev`;
      kube.peer.putObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: lookalike,
          labels: {
            'app.kubernetes.io/managed-by': 'backstage-cluster-access',
          },
          annotations: { 'cluster-access.backstage.io/request-id': 'another' },
        },
      });
      const res = await fileRequest(
        h,
        paymentsRequest({ namespace: lookalike, tier: 'dev', reason: 'test' }),
      );
      expect(res.status).toBe(409);
    },
  );

  it.each(databases.eachSupportedId())(
    'lets a tenant delegate view and edit, but the cluster refuses admin, cluster-admin and namespace changes, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-tenant')}-dev`;
      await requestDev(h, namespace);
      await h.services.worker.idle();

      const users = await createClientCertificateAuthority();
      kube.peer.addClientCa(users.caPem);
      const alice = await users.issueClientCertificate({
        commonName: 'alice',
        organizations: ['payments'],
      });
      const kc = new KubeConfig();
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      kc.loadFromOptions({
        clusters: [
          {
            name: 'peer',
            server: kube.peer.url,
            caData: b64(kube.peer.caPem),
            skipTLSVerify: false,
          },
        ],
        users: [
          {
            name: 'alice',
            certData: b64(alice.certificatePem),
            keyData: b64(alice.privateKeyPem),
          },
        ],
        contexts: [{ name: 'peer', cluster: 'peer', user: 'alice' }],
        currentContext: 'peer',
      });
      const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
      const core = kc.makeApiClient(CoreV1Api);
      const bind = (name: string, kind: 'ClusterRole' | 'Role', role: string) =>
        rbac.createNamespacedRoleBinding({
          namespace,
          body: {
            metadata: { name },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind,
              name: role,
            },
            subjects: [
              {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'User',
                name: 'dave',
              },
            ],
          },
        });
      const status = async (p: Promise<unknown>) => {
        try {
          await p;
          return 'allowed';
        } catch (e) {
          if (e instanceof ApiException) return e.code;
          throw e;
        }
      };

      expect(await status(bind('dave-view', 'ClusterRole', 'view'))).toBe(
        'allowed',
      );
      expect(await status(bind('dave-edit', 'ClusterRole', 'edit'))).toBe(
        'allowed',
      );
      expect(await status(bind('dave-admin', 'ClusterRole', 'admin'))).toBe(
        403,
      );
      expect(
        await status(bind('dave-root', 'ClusterRole', 'cluster-admin')),
      ).toBe(403);
      // Nor can the delegation role be handed on to grant itself more.
      expect(
        await status(
          rbac.createNamespacedRole({
            namespace,
            body: {
              metadata: { name: 'more' },
              rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
            },
          }),
        ),
      ).toBe(403);
      // The guard rails of the namespace stay out of reach.
      expect(
        await status(
          core.patchNamespace({
            name: namespace,
            body: {
              metadata: {
                labels: { 'pod-security.kubernetes.io/enforce': 'privileged' },
              },
            },
          }),
        ),
      ).toBe(403);
      expect(
        await status(
          core.deleteNamespacedResourceQuota({
            name: 'cluster-access-quota',
            namespace,
          }),
        ),
      ).toBe(403);
      // And nothing in other namespaces.
      expect(
        await status(
          rbac.listNamespacedRoleBinding({ namespace: 'kube-system' }),
        ),
      ).toBe(403);
    },
  );

  it.each(databases.eachSupportedId())(
    'never provisions a request twice with two backend instances on one database, on %p',
    async databaseId => {
      const knexA = await databases.init(databaseId);
      // A second instance has its own connection pool to the same database
      // (SQLite in memory cannot be shared across pools; there both use one).
      const knexB =
        databaseId === 'SQLITE_3' ? knexA : knexFactory(knexA.client.config);
      if (knexB !== knexA) extraKnex.push(knexB);
      const a = await kube.harness(knexA, { workerId: 'instance-a' });
      const b = await kube.harness(knexB, { workerId: 'instance-b' });

      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await a.services.store.createRequest({
          kind: 'create',
          cluster: 'sandbox',
          namespace: `${unique('payments-twin')}-dev`,
          owner: 'group:default/payments',
          tier: 'dev',
          reason: 'twins',
          requester: 'user:default/alice',
          expiresAt: new Date(Date.now() + 3_600_000),
          now: new Date(),
        });
        await a.services.store.updateRequest(
          r.id,
          { status: ['pending'] },
          { status: 'approved', decidedBy: 'system' },
          new Date(),
        );
        ids.push(r.id);
      }
      kube.peer.resetCounts();
      // Slow cluster calls keep each provisioning in flight for a while, so
      // that the second wave finds requests mid-provisioning.
      kube.peer.setDelay(15);
      try {
        const firstWave = Promise.all(
          ids.flatMap(id => [
            a.services.worker.process(id),
            b.services.worker.process(id),
          ]),
        );
        // Wait (on a loaded machine claims can take a while) until the
        // second wave will find requests mid-provisioning.
        let inFlight = 0;
        for (let i = 0; i < 200 && inFlight === 0; i++) {
          await new Promise(resolve => setTimeout(resolve, 10));
          inFlight = (
            await a.services.store.listRequests({ status: ['provisioning'] })
          ).length;
        }
        expect(inFlight).toBeGreaterThan(0);
        await Promise.all([
          firstWave,
          a.services.worker.runOnce(),
          b.services.worker.runOnce(),
          ...ids.flatMap(id => [
            b.services.worker.process(id),
            a.services.worker.process(id),
          ]),
        ]);
      } finally {
        kube.peer.setDelay(0);
      }
      const counts = kube.peer.requestCounts();
      expect(counts['create namespaces']).toBe(ids.length);
      for (const id of ids) {
        const r = await a.services.store.getRequest(id);
        expect(r?.status).toBe('ready');
        expect(r?.attempts).toBe(1);
        const started = (await a.history.listHistory({ requestId: id })).filter(
          e => e.type === 'provisioning.started',
        );
        expect(started).toHaveLength(1);
      }
      const byInstance = await Promise.all(
        ids.map(async id =>
          (
            await a.history.listHistory({ requestId: id })
          ).find(e => e.type === 'provisioning.ready'),
        ),
      );
      expect(byInstance.every(e => e !== undefined)).toBe(true);
    },
  );
});
