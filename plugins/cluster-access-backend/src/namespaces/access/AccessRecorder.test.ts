import { JsonObject } from '@backstage/types';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { DatabaseAccessStore } from './DatabaseAccessStore';
import {
  asUser,
  fileRequest,
  Harness,
  ORG,
  paymentsRequest,
  peerConfig,
  reconcileCounted,
  sharedPeer,
  writeRequests,
} from '../../__testUtils__/harness';

jest.setTimeout(180_000);

const run = promisify(execFile);
const RBAC = 'rbac.authorization.k8s.io/v1';

/** Tiers of these tests: `dev` reports and gives extras a day, `strict` removes. */
const TIERS: JsonObject = {
  tiers: [
    {
      name: 'dev',
      approval: 'none',
      namingPattern: '{group}-{suffix}-dev',
      extraMemberMaxLifetime: { days: 1 },
    },
    {
      name: 'strict',
      approval: 'none',
      namingPattern: '{group}-{suffix}-strict',
      nonMemberBindings: 'remove',
    },
  ],
};

describe('access view and leavers', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer();
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'cluster-access-access-'));
    // alice as the cluster knows her from her certificate: user alice in
    // group payments, with no rights of her own but the namespace's.
    kube.peer.addStaticToken('alice-token', {
      username: 'alice',
      groups: ['payments'],
    });
    writeFileSync(
      join(workDir, 'alice.kubeconfig'),
      kube.peer.kubeconfig({ token: 'alice-token' }),
    );
  });
  afterAll(async () => {
    rmSync(workDir, { recursive: true, force: true });
  });

  /** The real kubectl, as alice. */
  const kubectlAsAlice = (...args: string[]) =>
    run('kubectl', [
      '--kubeconfig',
      join(workDir, 'alice.kubeconfig'),
      ...args,
    ]);

  async function setup(
    databaseId: Parameters<typeof databases.init>[0],
    tier: 'dev' | 'strict',
    clock?: Date,
  ) {
    const h = await kube.harness(await databases.init(databaseId), {
      config: peerConfig(kube.peer, kube.token, TIERS),
      clock,
    });
    const namespace = `${kube.unique('payments-acc')}-${tier}`;
    const res = await fileRequest(
      h,
      paymentsRequest({ namespace, tier, reason: 'access test' }),
    );
    expect(res.status).toBe(201);
    await h.services.worker.idle();
    return { h, namespace, requestId: res.body.id as string };
  }

  const reconcile = (h: Harness) => reconcileCounted(h, kube.peer);

  const access = async (h: Harness, query: string) =>
    (
      await request(h.app)
        .get(`/access?${query}`)
        .set('authorization', asUser('dave'))
    ).body.items as any[];

  const bindingNames = (namespace: string) =>
    kube.peer
      .listObjects({ apiVersion: RBAC, kind: 'RoleBinding', namespace })
      .map(o => o.metadata?.name)
      .sort();

  /** A RoleBinding written as an administrator would, bypassing our checks. */
  function putBinding(
    namespace: string,
    name: string,
    subjects: object[],
    role = 'view',
  ) {
    kube.peer.putObject({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: role,
      },
      subjects,
    });
  }

  const user = (name: string) => ({
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'User',
    name,
  });

  it.each(databases.eachSupportedId())(
    'records bindings made with kubectl and who they let in, flags outsiders once, and is quiet when nothing changed, on %p',
    async databaseId => {
      const { h, namespace } = await setup(databaseId, 'dev');
      // alice delegates through the rolebinding-manager role, with kubectl.
      for (const args of [
        ['mallory-view', '--clusterrole=view', '--user=mallory'],
        ['bob-view', '--clusterrole=view', '--user=bob'],
        ['team-view', '--clusterrole=view', '--group=payments'],
        ['ci-edit', '--clusterrole=edit', `--serviceaccount=${namespace}:ci`],
        ['search-view', '--clusterrole=view', '--group=search'],
      ]) {
        await kubectlAsAlice('-n', namespace, 'create', 'rolebinding', ...args);
      }

      const first = await reconcile(h);
      expect(first.report).toMatchObject({
        applied: 0,
        deleted: 0,
        errors: [],
      });
      expect(writeRequests(first.counts)).toEqual({});
      expect(first.counts['list rolebindings']).toBe(1);

      const entries = await access(h, `namespace=${namespace}`);
      expect(
        entries.map(e => [
          e.via,
          e.binding ?? '',
          e.subject.name,
          e.standing ?? '',
          e.flagged,
        ]),
      ).toEqual([
        ['group', '', 'alice', '', false],
        ['group', '', 'bob', '', false],
        ['binding', 'bob-view', 'bob', 'member', false],
        ['binding', 'ci-edit', 'ci', 'own-service-account', false],
        ['binding', 'mallory-view', 'mallory', 'outsider', true],
        ['binding', 'search-view', 'search', 'outsider', true],
        ['binding', 'team-view', 'payments', 'owner-group', false],
      ]);
      // mallory is in the catalog: the page can name her.
      expect(entries.find(e => e.binding === 'mallory-view')?.user).toBe(
        'user:default/mallory',
      );
      expect(entries.find(e => e.binding === 'bob-view')).toMatchObject({
        user: 'user:default/bob',
        role: { kind: 'ClusterRole', name: 'view' },
        owner: 'group:default/payments',
        status: 'ready',
        since: expect.any(String),
      });
      const flaggedEvents = async () =>
        (await h.history.listHistory({ namespace: `sandbox/${namespace}` }))
          .filter(e => e.type === 'binding.flagged')
          .map(e => (e.details as any).binding)
          .sort();
      expect(await flaggedEvents()).toEqual(['mallory-view', 'search-view']);

      // Nothing changed: no Kubernetes writes, no database writes, no events.
      const save = jest.spyOn(DatabaseAccessStore.prototype, 'saveBindings');
      const second = await reconcile(h);
      expect(writeRequests(second.counts)).toEqual({});
      expect(save).toHaveBeenCalledWith({ insert: [], remove: [], update: [] });
      save.mockRestore();
      expect(await flaggedEvents()).toEqual(['mallory-view', 'search-view']);

      // Who gets in where, from the people's side.
      expect(
        (await access(h, 'user=user:default/mallory')).map(e => e.binding),
      ).toEqual(['mallory-view']);
      // bob: as a member, by his user name, and through his Groups.
      expect(
        (await access(h, `user=bob&namespace=${namespace}`)).map(
          e => e.binding ?? e.via,
        ),
      ).toEqual(['group', 'bob-view', 'search-view', 'team-view']);
      expect(
        (await access(h, `flagged=true&namespace=${namespace}`)).map(
          e => e.binding,
        ),
      ).toEqual(['mallory-view', 'search-view']);

      // bob leaves Payments: his kubectl-made binding lets in an outsider
      // now, at once in the view, and once in the history at the next pass.
      h.setOrg({ ...ORG, payments: ['alice'] });
      expect(
        (await access(h, `namespace=${namespace}`)).find(
          e => e.binding === 'bob-view',
        ),
      ).toMatchObject({ standing: 'outsider', flagged: true });
      const left = await reconcile(h);
      expect(left.report).toMatchObject({ deleted: 2, errors: [] });
      expect(bindingNames(namespace)).not.toContain('ca-edit-bob');
      expect(await flaggedEvents()).toEqual([
        'bob-view',
        'mallory-view',
        'search-view',
      ]);

      // A deleted kubectl binding leaves the view; names that are no entity
      // ref at all are shown as they are.
      await kubectlAsAlice('-n', namespace, 'delete', 'rolebinding', 'ci-edit');
      putBinding(namespace, 'anyone-view', [user('system:anonymous')]);
      await reconcile(h);
      const after = await access(h, `namespace=${namespace}`);
      expect(after.map(e => e.binding)).not.toContain('ci-edit');
      expect(after.find(e => e.binding === 'anyone-view')).toMatchObject({
        subject: { kind: 'User', name: 'system:anonymous' },
        standing: 'outsider',
        flagged: true,
      });
      expect(after.find(e => e.binding === 'anyone-view')).not.toHaveProperty(
        'user',
      );
      expect(
        (
          await request(h.app)
            .get('/access?flagged=maybe')
            .set('authorization', asUser('dave'))
        ).status,
      ).toBe(400);
    },
  );

  it.each(databases.eachSupportedId())(
    'removes bindings that let in outsiders where the tier says remove, and never the product’s own, on %p',
    async databaseId => {
      const { h, namespace } = await setup(databaseId, 'strict');
      putBinding(namespace, 'mallory-view', [user('mallory')]);
      putBinding(namespace, 'mixed-view', [user('bob'), user('mallory')]);
      putBinding(namespace, 'bob-view', [user('bob')]);
      putBinding(
        namespace,
        'ci-edit',
        [{ kind: 'ServiceAccount', name: 'ci', namespace }],
        'edit',
      );
      // Our own binding, replaced by hand with one for an outsider and
      // without our label: the reconciler makes it ours again.
      putBinding(namespace, 'ca-edit-alice', [user('mallory')], 'edit');

      const { report, counts } = await reconcile(h);
      expect(report).toMatchObject({ applied: 1, deleted: 2, errors: [] });
      expect(writeRequests(counts)).toEqual({
        'patch rolebindings': 1,
        'delete rolebindings': 2,
      });
      expect(bindingNames(namespace)).toEqual([
        'bob-view',
        'ca-edit-alice',
        'ca-edit-bob',
        'ca-rbm-alice',
        'ca-rbm-bob',
        'ci-edit',
      ]);
      expect(
        kube.peer.getObject({
          apiVersion: RBAC,
          kind: 'RoleBinding',
          namespace,
          name: 'ca-edit-alice',
        })!.subjects,
      ).toEqual([user('alice')]);
      const removed = (
        await h.history.listHistory({ namespace: `sandbox/${namespace}` })
      ).filter(e => e.type === 'binding.removed');
      expect(removed.map(e => (e.details as any).binding).sort()).toEqual([
        'mallory-view',
        'mixed-view',
      ]);
      expect(removed[0].message).toMatch(/neither members nor extra members/);
      expect(
        (await access(h, `namespace=${namespace}`))
          .filter(e => e.via === 'binding')
          .map(e => e.binding),
      ).toEqual(['bob-view', 'ci-edit']);

      const again = await reconcile(h);
      expect(writeRequests(again.counts)).toEqual({});

      // Someone takes the namespace over (our labels gone): its bindings are
      // no longer ours to judge, whatever the tier says.
      const live = kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: namespace,
      })!;
      kube.peer.putObject({
        ...live,
        metadata: { ...live.metadata, labels: {}, annotations: {} },
      });
      putBinding(namespace, 'mallory-view', [user('mallory')]);
      const foreign = await reconcile(h);
      expect(foreign.report.errors.join()).toMatch(/never adopted/);
      expect(
        writeRequests(foreign.counts)['delete rolebindings'],
      ).toBeUndefined();
      expect(bindingNames(namespace)).toContain('mallory-view');
    },
  );

  it.each(databases.eachSupportedId())(
    'extra members lapse: after the tier’s lifetime, when gone from the catalog, and when in the owner Group anyway, on %p',
    async databaseId => {
      const start = new Date('2026-12-02T09:00:00Z');
      const { h, namespace, requestId } = await setup(databaseId, 'dev', start);
      const members = `/namespaces/sandbox/${namespace}/members`;
      for (const who of ['erin', 'frank']) {
        const added = await request(h.app)
          .post(members)
          .set('authorization', asUser('alice'))
          .send({ user: `user:default/${who}` });
        expect(added.status).toBe(201);
      }
      // Made before adding Group members as extras was refused: the row
      // would keep bob in after he leaves Payments.
      await h.services.store.addMember({
        requestId,
        user: 'user:default/bob',
        addedBy: 'user:default/bob',
        now: start,
      });

      const listed = await request(h.app)
        .get(`/namespaces?cluster=sandbox`)
        .set('authorization', asUser('dave'));
      const ns = listed.body.items.find((n: any) => n.name === namespace);
      expect(ns.members).toContainEqual({
        user: 'user:default/erin',
        username: 'erin',
        source: 'extra',
        addedBy: 'user:default/alice',
        addedAt: start.toISOString(),
        expiresAt: '2026-12-03T09:00:00.000Z',
      });
      expect(
        (await access(h, `namespace=${namespace}`)).find(
          e => e.user === 'user:default/erin',
        ),
      ).toMatchObject({
        via: 'extra',
        addedBy: 'user:default/alice',
        expiresAt: '2026-12-03T09:00:00.000Z',
      });

      // frank leaves the company: his User entity is gone.
      h.setCatalog(ORG, ['erin']);
      const departed = await reconcile(h);
      expect(departed.report).toMatchObject({ deleted: 2, errors: [] });
      expect(bindingNames(namespace)).not.toContain('ca-edit-frank');
      expect(bindingNames(namespace)).toContain('ca-edit-bob');
      const events = async () =>
        (await h.history.listHistory({ namespace: `sandbox/${namespace}` }))
          .filter(e => e.actor === 'system' && e.type.startsWith('member.'))
          .map(e => `${e.type} ${(e.details as any).user}`);
      expect(await events()).toEqual(
        expect.arrayContaining([
          'member.departed user:default/frank',
          'member.removed user:default/bob',
          'member.revoked user:default/frank',
        ]),
      );
      expect(
        (await h.services.store.listMembers([requestId])).map(m => m.user),
      ).toEqual(['user:default/erin']);

      // bob leaves Payments and, with no extra row left, the namespace.
      h.setOrg({ ...ORG, payments: ['alice'] });
      h.setCatalog({ ...ORG, payments: ['alice'] }, ['erin']);
      await reconcile(h);
      expect(bindingNames(namespace)).not.toContain('ca-edit-bob');

      // A day later erin's extra membership ends; she must be added again.
      h.clock.now = new Date('2026-12-03T09:00:01Z');
      const expired = await reconcile(h);
      expect(expired.report).toMatchObject({ deleted: 2, errors: [] });
      expect(bindingNames(namespace)).toEqual([
        'ca-edit-alice',
        'ca-rbm-alice',
      ]);
      expect(await events()).toContain('member.expired user:default/erin');
      expect(await h.services.store.listMembers([requestId])).toEqual([]);
      const quiet = await reconcile(h);
      expect(writeRequests(quiet.counts)).toEqual({});

      // Added again, she runs out again; adding her before the reconciler
      // has cleaned up starts a new lifetime rather than a conflict.
      const addErin = () =>
        request(h.app)
          .post(members)
          .set('authorization', asUser('alice'))
          .send({ user: 'user:default/erin' });
      expect((await addErin()).status).toBe(201);
      h.clock.now = new Date('2026-12-04T09:00:02Z');
      expect((await addErin()).status).toBe(201);
      await reconcile(h);
      expect(bindingNames(namespace)).toContain('ca-edit-erin');
      expect(await h.services.store.listMembers([requestId])).toEqual([
        expect.objectContaining({
          user: 'user:default/erin',
          createdAt: '2026-12-04T09:00:02.000Z',
        }),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'checks membership against the catalog, not the token, and refuses Group members as extras, on %p',
    async databaseId => {
      const { h, namespace } = await setup(databaseId, 'dev');
      const members = `/namespaces/sandbox/${namespace}/members`;
      const bob = await request(h.app)
        .post(members)
        .set('authorization', asUser('alice'))
        .send({ user: 'user:default/bob' });
      expect(bob.status).toBe(409);
      expect(bob.body.error.message).toMatch(
        /already has access .* as a member of group:default\/payments/,
      );
      expect(
        (
          await request(h.app)
            .post(members)
            .set('authorization', asUser('alice'))
            .send({ user: 'user:default/alice' })
        ).status,
      ).toBe(409);

      // The catalog says alice left Payments; her token still says she is in.
      h.setCatalog({ ...ORG, payments: ['bob', 'dave'] });
      const denied = [
        await request(h.app)
          .post(members)
          .set('authorization', asUser('alice'))
          .send({ user: 'user:default/erin' }),
        await request(h.app)
          .delete(`${members}/user:default%2Ferin`)
          .set('authorization', asUser('alice')),
        await request(h.app)
          .delete(`/namespaces/sandbox/${namespace}`)
          .set('authorization', asUser('alice'))
          .send({ reason: 'leaving' }),
        await fileRequest(
          h,
          paymentsRequest({
            namespace: 'payments-another-dev',
            tier: 'dev',
            reason: 'x',
          }),
        ),
      ];
      expect(denied.map(r => r.status)).toEqual([403, 403, 403, 403]);
      // dave joined in the catalog; his token does not say so yet.
      const dave = await request(h.app)
        .post(members)
        .set('authorization', asUser('dave'))
        .send({ user: 'user:default/erin' });
      expect(dave.status).toBe(201);
    },
  );
});
