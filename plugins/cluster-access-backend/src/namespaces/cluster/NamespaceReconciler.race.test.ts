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
import { SETTLE_ROUNDS } from './namespaceVisit';

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

  /**
   * Runs `during` once, when the pass is about to send its `verb` of
   * RoleBinding `name` in `namespace` to the cluster, after it has read that
   * namespace's members a second time (confirm) and decided that write on
   * them: the change lands in the window between that read and the write.
   */
  function beforeWrite(
    h: Harness,
    write: { verb: 'apply' | 'delete'; namespace: string; name: string },
    during: () => Promise<void>,
  ) {
    const client = h.services.provisioner.client('sandbox');
    const reads = jest.spyOn(h.services.members, 'resolve');
    const hook = { ran: false };
    const matches = (o: {
      metadata?: any;
      namespace?: string;
      name?: string;
    }) =>
      (o.metadata?.namespace ?? o.namespace) === write.namespace &&
      (o.metadata?.name ?? o.name) === write.name;
    const original = client[write.verb].bind(client) as (o: any) => any;
    jest.spyOn(client, write.verb).mockImplementation(async (o: any) => {
      if (!hook.ran && matches(o)) {
        hook.ran = true;
        // The pass's last read was that namespace's own, after the list.
        const last = reads.mock.calls[reads.mock.calls.length - 1][0];
        expect(last.map(r => (r as any).namespace)).toEqual([write.namespace]);
        await during();
      }
      return original(o);
    });
    return hook;
  }

  const addErin = (h: Harness, ns: string) => async () => {
    const added = await request(h.app)
      .post(members(ns))
      .set('authorization', as('alice'))
      .send({ user: 'user:default/erin' });
    expect(added.body).toMatchObject({ applied: true });
  };

  const removeErin = (h: Harness, ns: string) => async () => {
    const removed = await request(h.app)
      .delete(`${members(ns)}/${encodeURIComponent('user:default/erin')}`)
      .set('authorization', as('alice'));
    expect(removed.body).toMatchObject({ applied: true });
  };

  const accessEvents = async (h: Harness, ns: string) =>
    (await h.history.listHistory({ namespace: `sandbox/${ns}` }))
      .filter(e => e.type === 'member.granted' || e.type === 'member.revoked')
      .map(e => `${e.type} ${(e.details as any).user}`);

  it.each(databases.eachSupportedId())(
    'gives back the bindings of an extra member added between the second read and the delete, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const ns = namespaces[1];
      // Erin is in the Group for one pass, then leaves it ...
      h.setOrg({ ...ORG, payments: ['alice', 'bob', 'erin'] });
      await reconcile(h);
      expect(bindings(ns)).toContain('ca-edit-erin');
      h.setOrg(ORG);
      const before = await accessEvents(h, ns);
      // ... and is added back as an extra member just before the pass
      // deletes her binding, on members read without her.
      const hook = beforeWrite(
        h,
        { verb: 'delete', namespace: ns, name: 'ca-edit-erin' },
        addErin(h, ns),
      );

      const { report } = await reconcile(h);
      expect(hook.ran).toBe(true);
      expect(report.errors).toEqual([]);
      expect(bindings(namespaces[0])).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-rbm-alice',
        'ca-rbm-bob',
      ]);
      expect(bindings(ns)).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-edit-erin',
        'ca-rbm-alice',
        'ca-rbm-bob',
        'ca-rbm-erin',
      ]);
      // She left the Group in the other namespace only.
      expect(await accessEvents(h, namespaces[0])).toContain(
        'member.revoked user:default/erin',
      );
      expect(await accessEvents(h, ns)).toEqual(before);
      // The next pass has nothing to repair.
      expect((await reconcile(h)).report).toMatchObject({
        applied: 0,
        deleted: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes again the binding it made for an extra member removed between the second read and the apply, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const ns = namespaces[1];
      await addErin(h, ns)();
      // Drift: erin's edit binding was deleted by hand; the pass makes it again ...
      peer.deleteObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        namespace: ns,
        name: 'ca-edit-erin',
      });
      const before = await accessEvents(h, ns);
      // ... on members read while she was one, just as she is removed.
      const hook = beforeWrite(
        h,
        { verb: 'apply', namespace: ns, name: 'ca-edit-erin' },
        removeErin(h, ns),
      );

      const { report } = await reconcile(h);
      expect(hook.ran).toBe(true);
      expect(report.errors).toEqual([]);
      expect(bindings(ns)).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-rbm-alice',
        'ca-rbm-bob',
      ]);
      expect(await accessEvents(h, ns)).toEqual(before);
      expect((await reconcile(h)).report).toMatchObject({
        applied: 0,
        deleted: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes again a binding it changed for an extra member removed between the second read and the apply, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const ns = namespaces[1];
      await addErin(h, ns)();
      // Drift: someone added a subject to erin's edit binding; the pass puts it back ...
      const ref = {
        apiVersion: RBAC,
        kind: 'RoleBinding',
        namespace: ns,
        name: 'ca-edit-erin',
      };
      const live = peer.getObject(ref)!;
      peer.putObject({
        ...live,
        subjects: [
          ...((live as any).subjects ?? []),
          {
            kind: 'User',
            name: 'mallory',
            apiGroup: 'rbac.authorization.k8s.io',
          },
        ],
      } as any);
      // ... on members read while she was one, just as she is removed.
      const hook = beforeWrite(
        h,
        { verb: 'apply', namespace: ns, name: 'ca-edit-erin' },
        removeErin(h, ns),
      );

      const { report } = await reconcile(h);
      expect(hook.ran).toBe(true);
      expect(report.errors).toEqual([]);
      expect(bindings(ns)).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-rbm-alice',
        'ca-rbm-bob',
      ]);
      expect((await reconcile(h)).report).toMatchObject({
        applied: 0,
        deleted: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'converges with two replicas passing at once while a member is added between the second read and the delete of one of them, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const ns = namespaces[1];
      // A second replica on the same database and cluster.
      const other = await createHarness({
        knex: h.knex,
        peer,
        token,
        clientOptions: { pageSize: 1 },
        workerId: 'replica-b',
      });
      h.setOrg({ ...ORG, payments: ['alice', 'bob', 'erin'] });
      await reconcile(h);
      h.setOrg(ORG);
      const hook = beforeWrite(
        h,
        { verb: 'delete', namespace: ns, name: 'ca-edit-erin' },
        addErin(h, ns),
      );

      await Promise.all([
        h.services.reconciler.reconcileAll(),
        other.services.reconciler.reconcileAll(),
      ]);
      expect(hook.ran).toBe(true);
      expect(bindings(ns)).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-edit-erin',
        'ca-rbm-alice',
        'ca-rbm-bob',
        'ca-rbm-erin',
      ]);
      expect(bindings(namespaces[0])).toEqual([
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-rbm-alice',
        'ca-rbm-bob',
      ]);
      for (const replica of [h, other]) {
        expect((await reconcile(replica)).report).toMatchObject({
          applied: 0,
          deleted: 0,
          errors: [],
        });
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'stops after a few rounds when a member keeps changing around its writes; the next pass completes, on %p',
    async databaseId => {
      const { h, namespaces } = await setup(databaseId);
      const ns = namespaces[1];
      await addErin(h, ns)();
      peer.deleteObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        namespace: ns,
        name: 'ca-edit-erin',
      });
      // Each write of the pass to erin's edit binding is met by her removal
      // or her return, made just before it (at most 10 times).
      const client = h.services.provisioner.client('sandbox');
      const flap = { member: true, changes: 0, on: true, inside: false };
      for (const verb of ['apply', 'delete'] as const) {
        const original = client[verb].bind(client) as (o: any) => any;
        jest.spyOn(client, verb).mockImplementation(async (o: any) => {
          const name = o.metadata?.name ?? o.name;
          const at = o.metadata?.namespace ?? o.namespace;
          if (
            flap.on &&
            !flap.inside &&
            flap.changes < 10 &&
            at === ns &&
            name === 'ca-edit-erin'
          ) {
            flap.inside = true;
            flap.changes += 1;
            await (flap.member ? removeErin : addErin)(h, ns)();
            flap.member = !flap.member;
            flap.inside = false;
          }
          return original(o);
        });
      }

      const { report } = await reconcile(h);
      expect(report.errors).toEqual([]);
      // One write decided on the second read, then one per round of settle.
      expect(flap.changes).toBeGreaterThan(1);
      expect(flap.changes).toBeLessThanOrEqual(1 + SETTLE_ROUNDS);

      flap.on = false;
      await reconcile(h);
      expect(bindings(ns)).toEqual(
        flap.member
          ? [
              'ca-edit-alice',
              'ca-edit-bob',
              'ca-edit-erin',
              'ca-rbm-alice',
              'ca-rbm-bob',
              'ca-rbm-erin',
            ]
          : ['ca-edit-alice', 'ca-edit-bob', 'ca-rbm-alice', 'ca-rbm-bob'],
      );
      expect((await reconcile(h)).report).toMatchObject({
        applied: 0,
        deleted: 0,
      });
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
