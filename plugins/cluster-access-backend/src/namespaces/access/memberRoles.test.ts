import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { DatabaseAccessStore } from './DatabaseAccessStore';
import {
  asUser,
  fileRequest,
  Harness,
  paymentsRequest,
  peerConfig,
  sharedPeer,
} from '../../__testUtils__/harness';

jest.setTimeout(180_000);

const RBAC = 'rbac.authorization.k8s.io/v1';
const EDIT = { kind: 'ClusterRole', name: 'edit' };
const RBM = { kind: 'Role', name: 'rolebinding-manager' };

const TIERS: JsonObject = {
  tiers: [
    { name: 'dev', approval: 'none', namingPattern: '{group}-{suffix}-dev' },
  ],
};

/*
 * The roles the access view shows members are the RoleBindings the cluster
 * confirmed, not what provisioning is meant to make: those provisioning and
 * member changes have just applied, then what the reconciler finds. Someone
 * shown as binding manager holds that binding.
 */
describe('members’ roles in the access view', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer();

  async function setup(
    databaseId: Parameters<typeof databases.init>[0],
    options: { clock?: Date; beforeProvisioning?: () => void } = {},
  ) {
    const h = await kube.harness(await databases.init(databaseId), {
      config: peerConfig(kube.peer, kube.token, TIERS),
      clock: options.clock,
    });
    options.beforeProvisioning?.();
    const namespace = `${kube.unique('payments-roles')}-dev`;
    const res = await fileRequest(
      h,
      paymentsRequest({ namespace, tier: 'dev', reason: 'roles test' }),
    );
    expect(res.status).toBe(201);
    await h.services.worker.idle();
    return { h, namespace, requestId: res.body.id as string };
  }

  /** Each person's roles in the namespace, as `GET /access` answers. */
  const rolesIn = async (h: Harness, namespace: string) => {
    const res = await request(h.app)
      .get(`/access?namespace=${namespace}`)
      .set('authorization', asUser('dave'));
    expect(res.status).toBe(200);
    return Object.fromEntries(
      (res.body.items as any[])
        .filter(e => e.via !== 'binding')
        .map(e => [e.subject.name, e.roles]),
    );
  };

  it.each(databases.eachSupportedId())(
    'shows the roles of the bindings the reconciler found, and no binding it did not find, on %p',
    async databaseId => {
      const { h, namespace } = await setup(databaseId);
      // Provisioned, before any pass: the bindings provisioning applied.
      expect(await rolesIn(h, namespace)).toEqual({
        alice: [EDIT, RBM],
        bob: [EDIT, RBM],
      });

      await h.services.reconciler.reconcileAll();
      expect(await rolesIn(h, namespace)).toEqual({
        alice: [EDIT, RBM],
        bob: [EDIT, RBM],
      });
      // Cluster Access's own bindings are roles, not "ways in" of their own.
      const all = await request(h.app)
        .get(`/access?namespace=${namespace}`)
        .set('authorization', asUser('dave'));
      expect(all.body.items.map((e: any) => e.via)).toEqual(['group', 'group']);

      // bob's binding-manager binding is deleted, and the cluster refuses to
      // make it again: he is shown as holding edit only.
      kube.peer.deleteObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        namespace,
        name: 'ca-rbm-bob',
      });
      kube.peer.failNext({
        verb: 'patch',
        resource: 'rolebindings',
        status: 403,
      });
      const [refused] = await h.services.reconciler.reconcileAll();
      expect(refused.errors).toEqual([
        expect.stringContaining(`${namespace}:`),
      ]);
      expect(await rolesIn(h, namespace)).toEqual({
        alice: [EDIT, RBM],
        bob: [EDIT],
      });

      // The next pass makes it again, and he is shown with it.
      const [repaired] = await h.services.reconciler.reconcileAll();
      expect(repaired).toMatchObject({ applied: 1, errors: [] });
      expect(await rolesIn(h, namespace)).toEqual({
        alice: [EDIT, RBM],
        bob: [EDIT, RBM],
      });
    },
  );

  /** Adds or removes erin as an extra member, as alice, on the given replica. */
  const erin = 'user:default/erin';
  const addErin = (h: Harness, namespace: string) =>
    request(h.app)
      .post(`/namespaces/sandbox/${namespace}/members`)
      .set('authorization', asUser('alice'))
      .send({ user: erin });
  const removeErin = (h: Harness, namespace: string) =>
    request(h.app)
      .delete(
        `/namespaces/sandbox/${namespace}/members/${encodeURIComponent(erin)}`,
      )
      .set('authorization', asUser('alice'));

  it.each(databases.eachSupportedId())(
    'shows no role whose binding provisioning failed to apply, and the role once a retry applies it, on %p',
    async databaseId => {
      const start = new Date();
      const { h, namespace, requestId } = await setup(databaseId, {
        clock: start,
        // The cluster refuses one binding of the bundle.
        beforeProvisioning: () =>
          kube.peer.failNext({
            verb: 'patch',
            resource: 'rolebindings',
            name: 'ca-rbm-bob',
            status: 403,
          }),
      });
      expect(await h.services.store.getRequest(requestId)).toMatchObject({
        status: 'failed',
      });
      // What was applied before the failure shows; the refused one does not.
      expect(await rolesIn(h, namespace)).toEqual({
        alice: [EDIT, RBM],
        bob: [EDIT],
      });

      // The retry applies the whole bundle again; no pass in between.
      h.clock.now = new Date(start.getTime() + 31_000);
      await h.services.worker.runOnce();
      expect(await h.services.store.getRequest(requestId)).toMatchObject({
        status: 'ready',
      });
      expect(await rolesIn(h, namespace)).toEqual({
        alice: [EDIT, RBM],
        bob: [EDIT, RBM],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'shows an extra member’s roles once added and none of them once removed, without a pass, on %p',
    async databaseId => {
      const { h, namespace } = await setup(databaseId);
      const added = await addErin(h, namespace);
      expect(added.status).toBe(201);
      expect(added.body.applied).toBe(true);
      expect((await rolesIn(h, namespace)).erin).toEqual([EDIT, RBM]);

      const removed = await removeErin(h, namespace);
      expect(removed.status).toBe(200);
      expect(removed.body.applied).toBe(true);
      expect(await rolesIn(h, namespace)).not.toHaveProperty('erin');

      // Added again while the cluster refuses her edit binding (nothing of
      // hers applied): she shows without roles, not with those of before.
      kube.peer.failNext({
        verb: 'patch',
        resource: 'rolebindings',
        name: 'ca-edit-erin',
        status: 403,
      });
      const again = await addErin(h, namespace);
      expect(again.status).toBe(201);
      expect(again.body.applied).toBe(false);
      expect((await rolesIn(h, namespace)).erin).toEqual([]);

      // The reconciler makes her bindings, and she shows with them.
      const [pass] = await h.services.reconciler.reconcileAll();
      expect(pass.errors).toEqual([]);
      expect((await rolesIn(h, namespace)).erin).toEqual([EDIT, RBM]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the roles of a member added on another replica while a pass runs, on %p',
    async databaseId => {
      const { h, namespace } = await setup(databaseId);
      // A second replica on the same database.
      const other = await kube.harness(h.knex, {
        config: peerConfig(kube.peer, kube.token, TIERS),
      });
      const original = DatabaseAccessStore.prototype.listBindings;
      const list = jest.spyOn(DatabaseAccessStore.prototype, 'listBindings');
      // The pass has listed the cluster without erin's bindings and now
      // reads the record: she is added on the other replica just then.
      list.mockImplementationOnce(async function read(
        this: DatabaseAccessStore,
        ids: string[],
      ) {
        expect((await addErin(other, namespace)).status).toBe(201);
        return original.call(this, ids);
      });
      try {
        const [pass] = await h.services.reconciler.reconcileAll();
        expect(pass.errors).toEqual([]);
      } finally {
        list.mockRestore();
      }
      expect((await rolesIn(h, namespace)).erin).toEqual([EDIT, RBM]);

      // The next pass sees her bindings in the cluster, and keeps them.
      const [next] = await h.services.reconciler.reconcileAll();
      expect(next).toMatchObject({ applied: 0, deleted: 0, errors: [] });
      expect((await rolesIn(other, namespace)).erin).toEqual([EDIT, RBM]);
    },
  );
});
