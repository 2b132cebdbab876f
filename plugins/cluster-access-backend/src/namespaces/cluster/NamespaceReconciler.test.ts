import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import {
  asUser,
  fileRequest,
  Harness,
  HarnessOptions,
  ORG,
  paymentsRequest,
  peerConfig,
  reconcileCounted,
  sharedPeer,
  writeRequests,
} from '../../__testUtils__/harness';

jest.setTimeout(120_000);

const RBAC = 'rbac.authorization.k8s.io/v1';

describe('NamespaceReconciler', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer();

  async function setup(
    databaseId: Parameters<typeof databases.init>[0],
    options: Partial<HarnessOptions> = {},
  ) {
    const h = await kube.harness(await databases.init(databaseId), options);
    const namespaces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const namespace = `${kube.unique('payments-rec')}-dev`;
      const res = await fileRequest(
        h,
        paymentsRequest({ namespace, tier: 'dev', reason: 'reconcile test' }),
      );
      expect(res.status).toBe(201);
      namespaces.push(namespace);
    }
    await h.services.worker.idle();
    return { h, namespaces };
  }

  const reconcile = (h: Harness) => reconcileCounted(h, kube.peer);

  const bindings = (namespace: string) =>
    kube.peer
      .listObjects({ apiVersion: RBAC, kind: 'RoleBinding', namespace })
      .map(o => o.metadata?.name)
      .sort();

  it.each(databases.eachSupportedId())(
    'reads each kind once and writes nothing in the steady state, on %p',
    async databaseId => {
      const { h } = await setup(databaseId);
      const { report, counts } = await reconcile(h);
      expect(report).toEqual({
        cluster: 'sandbox',
        namespaces: 2,
        applied: 0,
        deleted: 0,
        errors: [],
      });
      expect(counts).toEqual({
        'list namespaces': 1,
        'list limitranges': 1,
        'list resourcequotas': 1,
        'list networkpolicies': 1,
        'list roles': 1,
        'list rolebindings': 1,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'lists every kind in pages and repairs drift found on any page, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId, {
        clientOptions: { pageSize: 1 },
      });
      const last = namespaces[1];
      const [binding] = bindings(last);
      kube.peer.deleteObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        namespace: last,
        name: binding!,
      });
      const quota = kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        namespace: last,
        name: 'cluster-access-quota',
      })!;
      kube.peer.putObject({
        ...quota,
        spec: { hard: { ...(quota.spec as any).hard, pods: '500' } },
      });
      const { report, counts } = await reconcile(h);
      expect(report.errors).toEqual([]);
      expect(writeRequests(counts)).toEqual({
        'patch rolebindings': 1,
        'patch resourcequotas': 1,
      });
      expect(bindings(last)).toContain(binding);
      // An unpaged list would hold the whole cluster in the backend: none.
      const lists = kube.peer.listRequests();
      expect(lists.filter(l => l.limit === undefined)).toEqual([]);
      expect(new Set(lists.map(l => l.limit))).toEqual(new Set([1]));
      // Every kind has an object per namespace, so each went past page one.
      const continued = new Set(
        lists.filter(l => l.continued).map(l => l.resource),
      );
      expect([...continued].sort()).toEqual([
        'limitranges',
        'namespaces',
        'networkpolicies',
        'resourcequotas',
        'rolebindings',
        'roles',
      ]);

      const again = await reconcile(h);
      expect(again.report.errors).toEqual([]);
      expect(writeRequests(again.counts)).toEqual({});
    },
  );

  it.each(databases.eachSupportedId())(
    'repairs drift with one write per drifted object, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const [ns] = namespaces;
      kube.peer.deleteObject({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        namespace: ns,
        name: 'cluster-access-isolation',
      });
      const quota = kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        namespace: ns,
        name: 'cluster-access-quota',
      })!;
      kube.peer.putObject({
        ...quota,
        spec: { hard: { ...(quota.spec as any).hard, pods: '500' } },
      });
      const namespace = kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: ns,
      })!;
      kube.peer.putObject({
        ...namespace,
        metadata: {
          ...namespace.metadata,
          labels: {
            ...namespace.metadata?.labels,
            'pod-security.kubernetes.io/enforce': 'privileged',
          },
        },
      });
      kube.peer.deleteObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        namespace: ns,
        name: 'ca-edit-bob',
      });
      // A binding that pretends to be ours for someone who is no member.
      kube.peer.putObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        metadata: {
          name: 'ca-edit-mallory',
          namespace: ns,
          labels: {
            'app.kubernetes.io/managed-by': 'backstage-cluster-access',
          },
          annotations: {
            'cluster-access.backstage.io/user': 'user:default/mallory',
          },
        },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'edit',
        },
        subjects: [
          {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'User',
            name: 'mallory',
          },
        ],
      });

      const { report, counts } = await reconcile(h);
      expect(report).toMatchObject({ applied: 4, deleted: 1, errors: [] });
      expect(writeRequests(counts)).toEqual({
        'patch networkpolicies': 1,
        'patch resourcequotas': 1,
        'patch namespaces': 1,
        'patch rolebindings': 1,
        'delete rolebindings': 1,
      });
      expect(
        kube.peer.getObject({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          namespace: ns,
          name: 'cluster-access-isolation',
        }),
      ).toBeDefined();
      expect(
        (
          kube.peer.getObject({
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            namespace: ns,
            name: 'cluster-access-quota',
          })!.spec as any
        ).hard.pods,
      ).toBe('20');
      expect(
        kube.peer.getObject({ apiVersion: 'v1', kind: 'Namespace', name: ns })!
          .metadata?.labels?.['pod-security.kubernetes.io/enforce'],
      ).toBe('baseline');
      expect(bindings(ns)).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-rbm-alice',
        'ca-rbm-bob',
      ]);
      const events = await h.history.listHistory({
        namespace: `sandbox/${ns}`,
      });
      expect(events[0].type).toBe('member.revoked');
      expect(events[1]).toMatchObject({
        type: 'reconcile.repaired',
        actor: 'system',
      });
      expect((events[1].details as any).objects).toHaveLength(5);

      // And then it is quiet again.
      const again = await reconcile(h);
      expect(again.report).toMatchObject({ applied: 0, deleted: 0 });
      expect(writeRequests(again.counts)).toEqual({});
    },
  );

  it.each(databases.eachSupportedId())(
    'follows the owner group in the catalog: leavers lose their bindings, joiners get them, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      h.setOrg({ ...ORG, payments: ['alice', 'dave'] });
      const { report, counts } = await reconcile(h);
      // Two namespaces × (bob's two bindings deleted + dave's two applied).
      expect(report).toMatchObject({ applied: 4, deleted: 4, errors: [] });
      expect(writeRequests(counts)).toEqual({
        'patch rolebindings': 4,
        'delete rolebindings': 4,
      });
      for (const ns of namespaces) {
        expect(bindings(ns)).toEqual([
          'ca-edit-alice',
          'ca-edit-dave',
          'ca-rbm-alice',
          'ca-rbm-dave',
        ]);
        const types = (
          await h.history.listHistory({ namespace: `sandbox/${ns}` })
        )
          .slice(0, 3)
          .map(e => `${e.type} ${(e.details as any)?.user ?? ''}`.trim());
        expect(types.sort()).toEqual([
          'member.granted user:default/dave',
          'member.revoked user:default/bob',
          'reconcile.repaired',
        ]);
      }
      const listed = await request(h.app)
        .get('/namespaces?user=user:default/bob')
        .set('authorization', asUser('bob'));
      expect(listed.body.items.map((n: any) => n.name)).not.toContain(
        namespaces[0],
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps bindings when the owner group is missing from the catalog, and remakes a deleted namespace, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const { payments, ...rest } = ORG;
      h.setOrg(rest);
      const missing = await reconcile(h);
      expect(missing.report).toMatchObject({ applied: 0, deleted: 0 });
      expect(bindings(namespaces[0])).toHaveLength(4);

      h.setOrg(ORG);
      kube.peer.deleteObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: namespaces[1],
      });
      const remade = await reconcile(h);
      expect(remade.report.errors).toEqual([]);
      expect(writeRequests(remade.counts)).toMatchObject({
        'create namespaces': 1,
        'patch namespaces': 1,
        'patch rolebindings': 4,
      });
      expect(bindings(namespaces[1])).toHaveLength(4);
      expect(
        kube.peer.getObject({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: namespaces[1],
        })!.metadata?.annotations?.['cluster-access.backstage.io/request-id'],
      ).toBeDefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'goes on when one kind cannot be listed, and repairs it on the next pass, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const ns = namespaces[0];
      for (const [apiVersion, kind, name] of [
        ['v1', 'LimitRange', 'cluster-access-defaults'],
        ['networking.k8s.io/v1', 'NetworkPolicy', 'cluster-access-isolation'],
      ]) {
        kube.peer.deleteObject({ apiVersion, kind, namespace: ns, name });
      }
      kube.peer.failNext({
        verb: 'list',
        resource: 'networkpolicies',
        status: 500,
      });
      const first = await reconcile(h);
      expect(first.report.errors).toEqual([
        expect.stringMatching(/^list NetworkPolicy: /),
      ]);
      expect(writeRequests(first.counts)).toEqual({ 'patch limitranges': 1 });

      const second = await reconcile(h);
      expect(second.report.errors).toEqual([]);
      expect(writeRequests(second.counts)).toEqual({
        'patch networkpolicies': 1,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'starts a paged list again when its continue token expired, on %p',
    async databaseId => {
      const { h } = await setup(databaseId, { clientOptions: { pageSize: 2 } });
      kube.peer.failNext({
        verb: 'list',
        resource: 'rolebindings',
        status: 410,
        continued: true,
      });
      const { report, counts } = await reconcile(h);
      expect(report.errors).toEqual([]);
      expect(writeRequests(counts)).toEqual({});
      // First attempt: page 1, then 410 on page 2; then every page again.
      const pages = Math.ceil(
        kube.peer
          .listObjects({ apiVersion: RBAC, kind: 'RoleBinding' })
          .filter(o => o.metadata?.labels?.['app.kubernetes.io/managed-by'])
          .length / 2,
      );
      expect(counts['list rolebindings']).toBe(2 + pages);
    },
  );

  it.each(databases.eachSupportedId())(
    'joins the lists with the requests in key order, page by page, on %p',
    async databaseId => {
      // A Namespace list is ordered by name, a namespaced list by
      // `namespace/name`: `x-dev-b-dev/` sorts before `x-dev/`, so these three
      // come in opposite orders, and with pages of one every namespace sits
      // on its own page of requests and of objects.
      const { h } = await setup(databaseId, {
        clientOptions: { pageSize: 1 },
        reconcilePageSize: 1,
      });
      const base = kube.unique('payments-pf');
      const a = `${base}-dev`;
      const b = `${base}-dev-b-dev`;
      const c = `${base}-dev-b-dev-c-dev`;
      for (const namespace of [c, a, b]) {
        const res = await fileRequest(
          h,
          paymentsRequest({ namespace, tier: 'dev', reason: 'key order' }),
        );
        expect(res.status).toBe(201);
      }
      await h.services.worker.idle();
      kube.peer.deleteObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        namespace: a,
        name: 'ca-edit-bob',
      });
      kube.peer.deleteObject({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        namespace: c,
        name: 'cluster-access-isolation',
      });
      const quota = kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        namespace: b,
        name: 'cluster-access-quota',
      })!;
      kube.peer.putObject({
        ...quota,
        spec: { hard: { ...(quota.spec as any).hard, pods: '500' } },
      });
      kube.peer.putObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        metadata: { name: 'stranger-view', namespace: b },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'view',
        },
        subjects: [
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'eve' },
        ],
      });

      const { report, counts } = await reconcile(h);
      expect(report.errors).toEqual([]);
      expect(report.namespaces).toBe(5);
      expect(writeRequests(counts)).toEqual({
        'patch rolebindings': 1,
        'patch resourcequotas': 1,
        'patch networkpolicies': 1,
      });
      expect(bindings(a)).toContain('ca-edit-bob');
      // The access step saw the kubectl-made binding in its namespace only.
      const kubectlMade = await h
        .knex('cluster_access_namespace_bindings as b')
        .join('cluster_access_namespace_requests as r', 'r.id', 'b.request_id')
        .where('b.managed', false)
        .whereIn('r.namespace', [a, b, c])
        .select('r.namespace', 'b.binding', 'b.subject_name');
      expect(kubectlMade).toEqual([
        { namespace: b, binding: 'stranger-view', subject_name: 'eve' },
      ]);
      // Every member's own bindings are recorded in all three.
      const own = await h
        .knex('cluster_access_namespace_bindings as b')
        .join('cluster_access_namespace_requests as r', 'r.id', 'b.request_id')
        .where('b.managed', true)
        .whereIn('r.namespace', [a, b, c])
        .countDistinct('r.namespace as n');
      expect(Number(own[0].n)).toBe(3);

      const again = await reconcile(h);
      expect(again.report.errors).toEqual([]);
      expect(writeRequests(again.counts)).toEqual({});
    },
  );

  it.each(databases.eachSupportedId())(
    'reconciles the other clusters when one cannot be reached, on %p',
    async databaseId => {
      const config = peerConfig(kube.peer, kube.token) as any;
      config.clusterAccess.clusters.push({
        name: 'far',
        url: 'https://127.0.0.1:9',
        serviceAccountToken: kube.token,
      });
      const { h, namespaces } = await setup(databaseId, { config });
      const far = await h.services.store.createRequest({
        kind: 'create',
        cluster: 'far',
        namespace: 'payments-far-dev',
        owner: 'group:default/payments',
        tier: 'dev',
        reason: 'elsewhere',
        requester: 'user:default/alice',
        expiresAt: new Date(Date.now() + 86_400_000),
        now: new Date(),
      });
      await h.services.store.updateRequest(
        far.id,
        { status: ['pending'] },
        { status: 'ready' },
        new Date(),
      );
      kube.peer.deleteObject({
        apiVersion: 'v1',
        kind: 'LimitRange',
        namespace: namespaces[1],
        name: 'cluster-access-defaults',
      });
      const reports = await h.services.reconciler.reconcileAll();
      expect(reports.find(r => r.cluster === 'sandbox')).toMatchObject({
        applied: 1,
        errors: [],
      });
      const farReport = reports.find(r => r.cluster === 'far')!;
      expect(farReport.errors[0]).toMatch(/^list Namespace: cluster far: /);
      expect(farReport.applied).toBe(0);
    },
  );
});
