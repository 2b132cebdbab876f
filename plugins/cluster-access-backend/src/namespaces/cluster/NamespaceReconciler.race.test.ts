import { mockCredentials } from '@backstage/backend-test-utils';
import { KubePeer } from '@cluster-access/sandbox';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import {
  createHarness,
  Harness,
  ORG,
  startPeer,
} from '../../__testUtils__/harness';

jest.setTimeout(120_000);

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const RBAC = 'rbac.authorization.k8s.io/v1';

/*
 * A pass reads the members of a page of namespaces before it has listed
 * their RoleBindings. Members added or removed through the API in between
 * have their bindings made or deleted at once; these tests put such a change
 * exactly there. The peer serves a paged list from one snapshot, as
 * kube-apiserver does, so the change is also followed by a compaction: the
 * list's continue token expires (410) and the list starts again on a newer
 * snapshot that holds the change, which is what a long pass on a real
 * cluster meets.
 */
describe('NamespaceReconciler, with members changing during a pass', () => {
  const databases = createTestDatabases();
  let peer: KubePeer;
  let token: string;
  let counter = 0;

  beforeAll(async () => {
    ({ peer, token } = await startPeer());
  });
  afterAll(() => peer.close());

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const h = await createHarness({
      knex: await databases.init(databaseId),
      peer,
      token,
      // One object per page: the list is still going when the members are read.
      clientOptions: { pageSize: 1 },
    });
    const namespaces: string[] = [];
    for (let i = 0; i < 2; i++) {
      counter += 1;
      const namespace = `payments-race${counter}-dev`;
      const res = await request(h.app)
        .post('/requests')
        .set('authorization', as('alice'))
        .send({
          cluster: 'sandbox',
          namespace,
          owner: 'group:default/payments',
          tier: 'dev',
          reason: 'reconcile race test',
        });
      expect(res.status).toBe(201);
      namespaces.push(namespace);
    }
    await h.services.worker.idle();
    return { h, namespaces };
  }

  const members = (namespace: string) =>
    `/namespaces/sandbox/${namespace}/members`;

  const bindings = (namespace: string) =>
    peer
      .listObjects({ apiVersion: RBAC, kind: 'RoleBinding', namespace })
      .map(o => o.metadata?.name)
      .sort();

  /**
   * Runs `during` once, right after the pass has read the members, then
   * expires the RoleBinding list's continue token. Returns how many times
   * the members were read (by the pass and by the API).
   */
  function afterMembersRead(h: Harness, during: () => Promise<void>) {
    const resolver = h.services.members;
    const resolve = resolver.resolve.bind(resolver);
    let armed = true;
    return jest
      .spyOn(resolver, 'resolve')
      .mockImplementation(async requests => {
        const result = await resolve(requests);
        if (armed) {
          armed = false;
          await during();
          peer.compact();
          // The peer expires tokens at the compacted revision itself: one
          // more write lets the list that starts again read past it.
          peer.putObject({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'after-compaction', namespace: 'default' },
            data: { at: String(Date.now()) },
          });
        }
        return result;
      });
  }

  async function reconcile(h: Harness) {
    peer.resetCounts();
    const [report] = await h.services.reconciler.reconcileAll();
    const restarted = peer
      .listRequests()
      .filter(l => l.resource === 'rolebindings' && !l.continued);
    return { report, restarts: restarted.length - 1 };
  }

  it.each(databases.eachSupportedId())(
    'keeps the bindings of an extra member added after the pass read the members, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const ns = namespaces[1];
      afterMembersRead(h, async () => {
        const added = await request(h.app)
          .post(members(ns))
          .set('authorization', as('alice'))
          .send({ user: 'user:default/erin' });
        expect(added.body).toMatchObject({ applied: true });
      });

      const { report, restarts } = await reconcile(h);
      // The list did see erin's new bindings (it started again after the add).
      expect(restarts).toBe(1);
      expect(report).toMatchObject({ deleted: 0, errors: [] });
      expect(bindings(ns)).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-edit-erin',
        'ca-rbm-alice',
        'ca-rbm-bob',
        'ca-rbm-erin',
      ]);
      const events = await h.history.listHistory({
        namespace: `sandbox/${ns}`,
      });
      expect(events.map(e => e.type)).not.toContain('member.revoked');
    },
  );

  it.each(databases.eachSupportedId())(
    'still removes a Group leaver in the same pass, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const ns = namespaces[1];
      // Bob left before the pass; erin is added while it runs.
      h.setOrg({ ...ORG, payments: ['alice'] });
      afterMembersRead(h, async () => {
        const added = await request(h.app)
          .post(members(ns))
          .set('authorization', as('alice'))
          .send({ user: 'user:default/erin' });
        expect(added.status).toBe(201);
      });

      const { report, restarts } = await reconcile(h);
      expect(restarts).toBe(1);
      // Bob's two bindings in each namespace; none of erin's.
      expect(report).toMatchObject({ deleted: 4, errors: [] });
      expect(bindings(namespaces[0])).toEqual([
        'ca-edit-alice',
        'ca-rbm-alice',
      ]);
      expect(bindings(ns)).toEqual([
        'ca-edit-alice',
        'ca-edit-erin',
        'ca-rbm-alice',
        'ca-rbm-erin',
      ]);
      for (const namespace of namespaces) {
        const revoked = (
          await h.history.listHistory({ namespace: `sandbox/${namespace}` })
        )
          .filter(e => e.type === 'member.revoked')
          .map(e => (e.details as any).user);
        expect(revoked).toEqual(['user:default/bob']);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'does not give back the bindings of an extra member removed after the pass read the members, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const ns = namespaces[1];
      const added = await request(h.app)
        .post(members(ns))
        .set('authorization', as('alice'))
        .send({ user: 'user:default/erin' });
      expect(added.status).toBe(201);
      afterMembersRead(h, async () => {
        const removed = await request(h.app)
          .delete(`${members(ns)}/${encodeURIComponent('user:default/erin')}`)
          .set('authorization', as('alice'));
        expect(removed.body).toMatchObject({ applied: true });
      });

      const { report, restarts } = await reconcile(h);
      expect(restarts).toBe(1);
      expect(report).toMatchObject({ applied: 0, errors: [] });
      expect(bindings(ns)).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-rbm-alice',
        'ca-rbm-bob',
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'reads the members once per page of requests when nothing changes, on %p',
    async databaseId => {
      const { h } = await setup(databaseId);
      const resolve = jest.spyOn(h.services.members, 'resolve');
      const { report } = await reconcile(h);
      expect(report).toMatchObject({ applied: 0, deleted: 0, errors: [] });
      expect(resolve).toHaveBeenCalledTimes(1);
    },
  );
});
