import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  asUser,
  eventually,
  fileRequest,
  Harness,
  HarnessOptions,
  peerConfig,
  sharedPeer,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

function namespaceRequest(overrides: Record<string, unknown> = {}) {
  return {
    cluster: 'sandbox',
    namespace: 'payments-api-dev',
    owner: 'group:default/payments',
    tier: 'dev',
    reason: 'the payments API',
    ...overrides,
  };
}

describe('namespace routes', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer();
  const unique = kube.unique;

  const harness = async (
    databaseId: Parameters<typeof databases.init>[0],
    options: Partial<HarnessOptions> = {},
  ): Promise<Harness> =>
    kube.harness(await databases.init(databaseId), options);

  async function waitForStatus(h: Harness, id: string) {
    await h.services.worker.idle();
    const res = await request(h.app)
      .get(`/requests/${id}`)
      .set('authorization', asUser('alice'));
    return res.body;
  }

  it.each(databases.eachSupportedId())(
    'refuses anonymous callers (401) and services (403) on every route, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const id = '6f1c3c50-0000-4000-8000-000000000001';
      const routes: Array<[string, string]> = [
        ['get', '/tiers'],
        ['get', '/clusters'],
        ['get', '/requests'],
        ['post', '/requests'],
        ['get', `/requests/${id}`],
        ['post', `/requests/${id}/approve`],
        ['post', `/requests/${id}/reject`],
        ['get', '/namespaces'],
        ['post', '/namespaces/sandbox/x/members'],
        ['delete', '/namespaces/sandbox/x/members/user:default:alice'],
        ['delete', '/namespaces/sandbox/x'],
      ];
      for (const [method, path] of routes) {
        const anonymous = await (request(h.app) as any)[method](path);
        expect({ path, status: anonymous.status }).toEqual({
          path,
          status: 401,
        });
        const service = await (request(h.app) as any)
          [method](path)
          .set('authorization', mockCredentials.service.header());
        expect({ path, status: service.status }).toEqual({ path, status: 403 });
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'lists tiers and clusters on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const tiers = await request(h.app)
        .get('/tiers')
        .set('authorization', asUser('alice'));
      expect(tiers.status).toBe(200);
      expect(tiers.body.items.map((t: any) => [t.name, t.approval])).toEqual([
        ['dev', 'none'],
        ['qa', 'required'],
      ]);
      expect(tiers.body.items[0]).toMatchObject({
        clusters: ['sandbox'],
        namingPattern: '{group}-{suffix}-dev',
        networkPolicy: true,
        podSecurity: { enforce: 'baseline', warn: 'restricted' },
      });
      const clusters = await request(h.app)
        .get('/clusters')
        .set('authorization', asUser('alice'));
      expect(clusters.body).toEqual({
        items: [
          {
            name: 'sandbox',
            title: 'Sandbox',
            server: kube.peer.url,
            provisioning: true,
            tiers: ['dev', 'qa'],
          },
        ],
      });
      // Never the token.
      expect(JSON.stringify(clusters.body)).not.toContain(kube.token);
    },
  );

  it.each(databases.eachSupportedId())(
    'provisions an auto-approved dev namespace with everything that makes it safe, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-api')}-dev`;
      const res = await fileRequest(h, namespaceRequest({ namespace }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        kind: 'create',
        cluster: 'sandbox',
        namespace,
        owner: 'group:default/payments',
        tier: 'dev',
        requester: 'user:default/alice',
        status: 'approved',
        decidedBy: 'system',
      });
      expect(res.body.claimedBy).toBeUndefined();
      const done = await waitForStatus(h, res.body.id);
      expect(done.status).toBe('ready');

      const ns = kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: namespace,
      })!;
      expect(ns.metadata?.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'backstage-cluster-access',
        'cluster-access.backstage.io/owner-group': 'payments',
        'cluster-access.backstage.io/tier': 'dev',
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'restricted',
      });
      expect(ns.metadata?.annotations).toMatchObject({
        'cluster-access.backstage.io/request-id': res.body.id,
        'cluster-access.backstage.io/requester': 'user:default/alice',
        'cluster-access.backstage.io/owner': 'group:default/payments',
      });
      const inNs = (apiVersion: string, kind: string) =>
        kube.peer
          .listObjects({ apiVersion, kind, namespace })
          .map(o => o.metadata?.name)
          .sort();
      expect(inNs('v1', 'LimitRange')).toEqual(['cluster-access-defaults']);
      expect(inNs('v1', 'ResourceQuota')).toEqual(['cluster-access-quota']);
      expect(inNs('networking.k8s.io/v1', 'NetworkPolicy')).toEqual([
        'cluster-access-isolation',
      ]);
      expect(inNs('rbac.authorization.k8s.io/v1', 'Role')).toEqual([
        'rolebinding-manager',
      ]);
      expect(inNs('rbac.authorization.k8s.io/v1', 'RoleBinding')).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-rbm-alice',
        'ca-rbm-bob',
      ]);
      const policy = kube.peer.getObject({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        namespace,
        name: 'cluster-access-isolation',
      }) as any;
      expect(policy.spec.ingress).toEqual([
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': namespace },
              },
            },
          ],
        },
      ]);
      // client-node spells `default` as `_default` in its models; make sure
      // the value reached the cluster under its real name.
      const limitRange = kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'LimitRange',
        namespace,
        name: 'cluster-access-defaults',
      }) as any;
      expect(limitRange.spec.limits).toEqual([
        {
          type: 'Container',
          default: { cpu: '500m', memory: '512Mi' },
          defaultRequest: { cpu: '100m', memory: '128Mi' },
        },
      ]);
      const binding = kube.peer.getObject({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        namespace,
        name: 'ca-edit-alice',
      }) as any;
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'edit',
      });
      expect(binding.subjects).toEqual([
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' },
      ]);
      // One field manager for everything the backend wrote.
      const managers = new Set(
        (ns.metadata?.managedFields ?? []).map(f => f.manager),
      );
      expect([...managers]).toEqual(['cluster-access']);

      const history = await h.history.listHistory({ requestId: res.body.id });
      expect(history.map(e => e.type).reverse()).toEqual([
        'request.created',
        'request.approved',
        'provisioning.started',
        ...Array(9).fill('provisioning.step'),
        'provisioning.ready',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 400 for invalid requests on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const post = (body: unknown) => fileRequest(h, body as object);
      const cases: Array<[object, RegExp]> = [
        [namespaceRequest({ namespace: 'Payments-API-dev' }), /DNS-1123/],
        [
          namespaceRequest({ namespace: `payments-${'x'.repeat(60)}-dev` }),
          /namespace must NOT have more than 63 characters/,
        ],
        [
          namespaceRequest({ namespace: 'kube-payments-dev' }),
          /reserved prefix/,
        ],
        [namespaceRequest({ namespace: 'default' }), /reserved/],
        [namespaceRequest({ namespace: 'search-api-dev' }), /naming rule/],
        [namespaceRequest({ namespace: 'payments-api-qa' }), /naming rule/],
        [namespaceRequest({ tier: 'prod' }), /Unknown tier prod/],
        [namespaceRequest({ cluster: 'nowhere' }), /Unknown cluster nowhere/],
        [
          namespaceRequest({
            owner: 'group:default/ghosts',
            namespace: 'ghosts-x-dev',
          }),
          /Unknown group/,
        ],
        [namespaceRequest({ owner: 'user:default/alice' }), /Group entity ref/],
        [namespaceRequest({ reason: '   ' }), /reason/],
        [
          { ...namespaceRequest(), requester: 'user:default/carol' },
          /requester/,
        ],
        [{ cluster: 'sandbox' }, /namespace/],
      ];
      for (const [body, message] of cases) {
        const res = await post(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.error.message).toMatch(message);
      }
      expect(await h.services.store.listRequests()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 403 to non-members of the owner group and to users without the permission, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const notMember = await fileRequest(h, namespaceRequest(), 'dave');
      expect(notMember.status).toBe(403);
      expect(notMember.body.error.message).toMatch(
        /not a member of group:default\/payments/,
      );
      const denied = await fileRequest(
        h,
        namespaceRequest({
          owner: 'group:default/contractors',
          namespace: 'contractors-x-dev',
        }),
        'mallory',
      );
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toMatch(
        /cluster-access.request.create/,
      );
      expect(await h.services.store.listRequests()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 409 when the namespace exists in the cluster or is requested already, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const taken = `${unique('payments-legacy')}-dev`;
      kube.peer.putObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: taken },
      });
      const exists = await fileRequest(
        h,
        namespaceRequest({ namespace: taken }),
      );
      expect(exists.status).toBe(409);
      expect(exists.body.error.message).toMatch(
        /already exists on cluster sandbox/,
      );

      const namespace = `${unique('payments-web')}-qa`;
      const first = await fileRequest(
        h,
        namespaceRequest({ namespace, tier: 'qa' }),
      );
      expect(first.status).toBe(201);
      expect(first.body.status).toBe('pending');
      const second = await fileRequest(
        h,
        namespaceRequest({ namespace, tier: 'qa' }),
        'bob',
      );
      expect(second.status).toBe(409);
    },
  );

  it.each(databases.eachSupportedId())(
    'lets exactly one of concurrent duplicate requests win, making one namespace, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-race')}-dev`;
      const users = ['alice', 'bob', 'alice', 'bob', 'alice', 'bob'];
      const results = await Promise.all(
        users.map(u => fileRequest(h, namespaceRequest({ namespace }), u)),
      );
      expect(results.map(r => r.status).sort()).toEqual([
        201, 409, 409, 409, 409, 409,
      ]);
      await h.services.worker.idle();
      const requests = await h.services.store.listRequests({ namespace });
      expect(requests.map(r => r.status)).toEqual(['ready']);
      expect(
        kube.peer
          .listObjects({ apiVersion: 'v1', kind: 'Namespace' })
          .filter(n => n.metadata?.name === namespace),
      ).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'runs the approval of a qa request: self-approval and non-approvers refused, then approved once, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-int')}-qa`;
      const created = await fileRequest(
        h,
        namespaceRequest({ namespace, tier: 'qa' }),
      );
      expect(created.status).toBe(201);
      expect(created.body.status).toBe('pending');
      const id = created.body.id;
      expect(
        kube.peer.getObject({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: namespace,
        }),
      ).toBeUndefined();

      const approve = (user: string, body: object = {}) =>
        request(h.app)
          .post(`/requests/${id}/approve`)
          .set('authorization', asUser(user))
          .send(body);

      const self = await approve('alice');
      expect(self.status).toBe(403);
      expect(self.body.error.message).toMatch(/own request/);
      expect((await approve('dave')).status).toBe(403);
      expect((await approve('carol', { comment: 42 })).status).toBe(400);
      expect(
        (
          await request(h.app)
            .post('/requests/not-a-uuid/approve')
            .set('authorization', asUser('carol'))
        ).status,
      ).toBe(400);
      expect(
        (
          await request(h.app)
            .post('/requests/6f1c3c50-0000-4000-8000-00000000dead/approve')
            .set('authorization', asUser('carol'))
        ).status,
      ).toBe(404);

      const ok = await approve('carol', { comment: 'go ahead' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        status: 'approved',
        decidedBy: 'user:default/carol',
        decisionComment: 'go ahead',
      });
      const again = await approve('carol');
      expect(again.status).toBe(409);
      const reject = await request(h.app)
        .post(`/requests/${id}/reject`)
        .set('authorization', asUser('carol'))
        .send({ comment: 'too late' });
      expect(reject.status).toBe(409);

      expect((await waitForStatus(h, id)).status).toBe('ready');
      const types = (await h.history.listHistory({ requestId: id })).map(
        e => e.type,
      );
      expect(types).toContain('request.approved');
      expect(
        (await h.history.listHistory({ actor: 'user:default/carol' })).map(
          e => e.type,
        ),
      ).toEqual(['request.approved']);
    },
  );

  it.each(databases.eachSupportedId())(
    'applies conditional decisions: an approver whose rule covers other tiers is refused, on %p',
    async databaseId => {
      const h = await harness(databaseId, {
        policy: {
          allowed: () => true,
          approve: user =>
            user === 'user:default/carol' ? { tiers: ['prod'] } : 'deny',
        },
      });
      const created = await fileRequest(
        h,
        namespaceRequest({
          namespace: `${unique('payments-cond')}-qa`,
          tier: 'qa',
        }),
      );
      const res = await request(h.app)
        .post(`/requests/${created.body.id}/approve`)
        .set('authorization', asUser('carol'));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/tier qa/);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses self-approval even when the policy allows everyone, whatever the case of the ref, on %p',
    async databaseId => {
      const h = await harness(databaseId, {
        policy: { allowed: () => true, approve: () => 'allow' },
      });
      const created = await fileRequest(
        h,
        namespaceRequest({
          namespace: `${unique('payments-self')}-qa`,
          tier: 'qa',
        }),
      );
      for (const user of ['alice', 'Alice']) {
        for (const decision of ['approve', 'reject']) {
          const res = await request(h.app)
            .post(`/requests/${created.body.id}/${decision}`)
            .set('authorization', asUser(user))
            .send({ comment: 'mine' });
          expect({ user, decision, status: res.status }).toEqual({
            user,
            decision,
            status: 403,
          });
          expect(res.body.error.message).toMatch(/own request/);
        }
      }
      const ok = await request(h.app)
        .post(`/requests/${created.body.id}/approve`)
        .set('authorization', asUser('bob'));
      expect(ok.status).toBe(200);
      await h.services.worker.idle();
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects with a comment and frees the name, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-rej')}-qa`;
      const created = await fileRequest(
        h,
        namespaceRequest({ namespace, tier: 'qa' }),
      );
      const noComment = await request(h.app)
        .post(`/requests/${created.body.id}/reject`)
        .set('authorization', asUser('carol'))
        .send({});
      expect(noComment.status).toBe(400);
      const rejected = await request(h.app)
        .post(`/requests/${created.body.id}/reject`)
        .set('authorization', asUser('carol'))
        .send({ comment: 'use dev first' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        decidedBy: 'user:default/carol',
        decisionComment: 'use dev first',
      });
      const retry = await fileRequest(
        h,
        namespaceRequest({ namespace, tier: 'qa' }),
        'bob',
      );
      expect(retry.status).toBe(201);
    },
  );

  it.each(databases.eachSupportedId())(
    'expires pending requests after the configured time, on %p',
    async databaseId => {
      const start = new Date('2026-12-01T10:00:00Z');
      const h = await harness(databaseId, {
        clock: start,
        config: {
          clusterAccess: {
            ...(peerConfig(kube.peer, kube.token).clusterAccess as object),
            requests: { pendingExpiry: { hours: 1 } },
          },
        },
      });
      const a = await fileRequest(
        h,
        namespaceRequest({
          namespace: `${unique('payments-exp')}-qa`,
          tier: 'qa',
        }),
      );
      const b = await fileRequest(
        h,
        namespaceRequest({
          namespace: `${unique('payments-exp')}-qa`,
          tier: 'qa',
        }),
      );
      expect(a.body.expiresAt).toBe('2026-12-01T11:00:00.000Z');
      h.clock.now = new Date('2026-12-01T11:00:01Z');
      const late = await request(h.app)
        .post(`/requests/${a.body.id}/approve`)
        .set('authorization', asUser('carol'));
      expect(late.status).toBe(409);
      expect(late.body.error.message).toMatch(/expired/);
      await h.services.worker.runOnce();
      const statuses = await h.services.store.listRequests();
      expect(statuses.map(r => [r.id, r.status]).sort()).toEqual(
        [
          [a.body.id, 'expired'],
          [b.body.id, 'expired'],
        ].sort(),
      );
      const events = await h.history.listHistory({ requestId: b.body.id });
      expect(events[0]).toMatchObject({
        type: 'request.expired',
        actor: 'system',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'lists requests with filters on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const a = await fileRequest(
        h,
        namespaceRequest({
          namespace: `${unique('payments-l')}-qa`,
          tier: 'qa',
        }),
      );
      const b = await fileRequest(
        h,
        namespaceRequest({
          owner: 'group:default/search',
          namespace: `${unique('search-l')}-qa`,
          tier: 'qa',
        }),
        'dave',
      );
      const list = (query: string, user = 'alice') =>
        request(h.app)
          .get(`/requests${query}`)
          .set('authorization', asUser(user));
      expect((await list('')).body.items.map((r: any) => r.id)).toEqual([
        b.body.id,
        a.body.id,
      ]);
      expect(
        (await list('?mine=true')).body.items.map((r: any) => r.id),
      ).toEqual([a.body.id]);
      expect(
        (await list('?owner=group:default/search')).body.items.map(
          (r: any) => r.id,
        ),
      ).toEqual([b.body.id]);
      expect((await list('?status=pending,approved')).body.items).toHaveLength(
        2,
      );
      expect((await list('?status=ready')).body.items).toHaveLength(0);
      expect((await list('?status=bogus')).status).toBe(400);
      expect((await list('?unknown=1')).status).toBe(400);
      const one = await request(h.app)
        .get(`/requests/${a.body.id}`)
        .set('authorization', asUser('dave'));
      expect(one.status).toBe(200);
      expect(one.body.id).toBe(a.body.id);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists managed namespaces with members and quota usage, and manages extra members, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-mem')}-dev`;
      const created = await fileRequest(h, namespaceRequest({ namespace }));
      await h.services.worker.idle();
      // A configmap shows up in the quota usage the cluster reports.
      kube.peer.putObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace },
        data: { a: 'b' },
      });

      const list = await request(h.app)
        .get('/namespaces?owner=group:default/payments')
        .set('authorization', asUser('dave'));
      expect(list.status).toBe(200);
      const item = list.body.items.find((n: any) => n.name === namespace);
      expect(item).toMatchObject({
        cluster: 'sandbox',
        owner: 'group:default/payments',
        tier: 'dev',
        requestId: created.body.id,
        status: 'ready',
        requester: 'user:default/alice',
        members: [
          { user: 'user:default/alice', username: 'alice', source: 'group' },
          { user: 'user:default/bob', username: 'bob', source: 'group' },
        ],
      });
      expect(item.quota).toContainEqual({
        resource: 'count/configmaps',
        hard: '50',
        used: '1',
      });
      expect(item.quota).toContainEqual(
        expect.objectContaining({ resource: 'limits.cpu', hard: '4' }),
      );

      const members = `/namespaces/sandbox/${namespace}/members`;
      const add = (user: string, body: object) =>
        request(h.app)
          .post(members)
          .set('authorization', asUser(user))
          .send(body);
      expect((await add('dave', { user: 'user:default/erin' })).status).toBe(
        403,
      );
      expect((await add('alice', { user: 'user:default/nobody' })).status).toBe(
        400,
      );
      expect(
        (await add('alice', { user: 'group:default/search' })).status,
      ).toBe(400);
      expect((await add('alice', {})).status).toBe(400);
      const added = await add('alice', { user: 'user:default/erin' });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({
        user: 'user:default/erin',
        username: 'erin',
        applied: true,
      });
      expect((await add('bob', { user: 'erin' })).status).toBe(409);
      const erinBinding = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        namespace,
        name: 'ca-edit-erin',
      };
      expect(kube.peer.getObject(erinBinding)).toBeDefined();

      const forErin = await request(h.app)
        .get('/namespaces?user=user:default/erin')
        .set('authorization', asUser('erin'));
      expect(forErin.body.items.map((n: any) => n.name)).toEqual([namespace]);
      expect(forErin.body.items[0].members).toContainEqual({
        user: 'user:default/erin',
        username: 'erin',
        source: 'extra',
        addedBy: 'user:default/alice',
        addedAt: expect.any(String),
      });

      const remove = (user: string, who: string) =>
        request(h.app)
          .delete(`${members}/${encodeURIComponent(who)}`)
          .set('authorization', asUser(user));
      expect((await remove('dave', 'user:default/erin')).status).toBe(403);
      expect((await remove('alice', 'user:default/bob')).status).toBe(400);
      expect((await remove('alice', 'user:default/frank')).status).toBe(404);
      const removed = await remove('bob', 'user:default/erin');
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({ applied: true });
      expect(kube.peer.getObject(erinBinding)).toBeUndefined();
      expect(
        (
          await request(h.app)
            .post('/namespaces/sandbox/nope-x-dev/members')
            .set('authorization', asUser('alice'))
            .send({ user: 'user:default/erin' })
        ).status,
      ).toBe(404);

      const types = (
        await h.history.listHistory({ namespace: `sandbox/${namespace}` })
      ).map(e => e.type);
      expect(types.slice(0, 2)).toEqual(['member.removed', 'member.added']);
      expect(
        (
          await request(h.app)
            .post(members)
            .set('authorization', asUser('mallory'))
            .send({ user: 'user:default/erin' })
        ).status,
      ).toBe(403);
    },
  );

  it.each(databases.eachSupportedId())(
    'decommissions a namespace after approval, waits until it is gone, then frees its name, on %p',
    async databaseId => {
      const start = new Date();
      const h = await harness(databaseId, {
        clock: start,
        policy: {
          allowed: user => user !== 'user:default/mallory',
          approve: user => (user === 'user:default/carol' ? 'allow' : 'deny'),
        },
      });
      const namespace = `${unique('payments-old')}-dev`;
      const created = await fileRequest(h, namespaceRequest({ namespace }));
      await h.services.worker.idle();

      const del = (user: string) =>
        request(h.app)
          .delete(`/namespaces/sandbox/${namespace}`)
          .set('authorization', asUser(user))
          .send({ reason: 'not needed any more' });
      expect((await del('dave')).status).toBe(403);
      expect((await del('mallory')).status).toBe(403);
      expect(
        (
          await request(h.app)
            .delete('/namespaces/sandbox/missing-x-dev')
            .set('authorization', asUser('alice'))
        ).status,
      ).toBe(404);
      const asked = await del('bob');
      expect(asked.status).toBe(202);
      expect(asked.body).toMatchObject({
        kind: 'decommission',
        status: 'pending',
        targetRequestId: created.body.id,
        requester: 'user:default/bob',
        tier: 'dev',
      });
      expect((await del('alice')).status).toBe(409);

      const listed = await request(h.app)
        .get('/namespaces?cluster=sandbox')
        .set('authorization', asUser('alice'));
      expect(
        listed.body.items.find((n: any) => n.name === namespace)
          .pendingDecommissionRequestId,
      ).toBe(asked.body.id);

      const self = await request(h.app)
        .post(`/requests/${asked.body.id}/approve`)
        .set('authorization', asUser('bob'));
      expect(self.status).toBe(403);
      // Dev namespaces need no approval to be made, but decommissioning
      // always does.
      expect((await h.services.store.getRequest(asked.body.id))?.status).toBe(
        'pending',
      );
      const approved = await request(h.app)
        .post(`/requests/${asked.body.id}/approve`)
        .set('authorization', asUser('carol'));
      expect(approved.status).toBe(200);
      await h.services.worker.idle();
      const live = () =>
        kube.peer.getObject({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: namespace,
        });
      // Kubernetes takes a while (the peer, like a cluster, keeps the
      // namespace Terminating for seconds): the name stays taken until then,
      // which a new request is told plainly.
      expect((await h.services.store.getRequest(asked.body.id))?.status).toBe(
        'decommissioning',
      );
      const early = await fileRequest(h, namespaceRequest({ namespace }));
      expect(early.status).toBe(409);
      expect(early.body.error.message).toBe(
        `Namespace ${namespace} on cluster sandbox is still being deleted; you can request it again once it is gone, usually within a few minutes`,
      );
      await eventually('the namespace is gone', () => !live());
      h.clock.now = new Date(start.getTime() + 22_000);
      await h.services.worker.runOnce();
      expect((await h.services.store.getRequest(asked.body.id))?.status).toBe(
        'deleted',
      );
      expect((await h.services.store.getRequest(created.body.id))?.status).toBe(
        'deleted',
      );
      const after = await request(h.app)
        .get('/namespaces')
        .set('authorization', asUser('alice'));
      expect(after.body.items.map((n: any) => n.name)).not.toContain(namespace);
      const history = await h.history.listHistory({
        requestId: asked.body.id,
      });
      expect(history.map(e => e.type).reverse()).toEqual([
        'decommission.requested',
        'decommission.approved',
        'decommission.started',
        'namespace.deleted',
      ]);
      const again = await fileRequest(h, namespaceRequest({ namespace }));
      expect(again.status).toBe(201);
      await h.services.worker.idle();
    },
  );
});
