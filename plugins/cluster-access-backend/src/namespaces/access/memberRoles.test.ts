import { mockCredentials } from '@backstage/backend-test-utils';
import { KubePeer } from '@cluster-access/sandbox';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import {
  createHarness,
  Harness,
  peerConfig,
  startPeer,
} from '../../__testUtils__/harness';

jest.setTimeout(180_000);

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const RBAC = 'rbac.authorization.k8s.io/v1';
const EDIT = { kind: 'ClusterRole', name: 'edit' };
const RBM = { kind: 'Role', name: 'rolebinding-manager' };

const TIERS: JsonObject = {
  tiers: [
    { name: 'dev', approval: 'none', namingPattern: '{group}-{suffix}-dev' },
  ],
};

/*
 * The roles the access view shows members are the RoleBindings the
 * reconciler found in the cluster, not what provisioning is meant to make:
 * someone shown as binding manager holds that binding.
 */
describe('members’ roles in the access view', () => {
  const databases = createTestDatabases();
  let peer: KubePeer;
  let token: string;
  let counter = 0;

  beforeAll(async () => {
    ({ peer, token } = await startPeer());
  });
  afterAll(async () => {
    await peer.close();
  });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const h = await createHarness({
      knex: await databases.init(databaseId),
      peer,
      token,
      config: peerConfig(peer, token, TIERS),
    });
    counter += 1;
    const namespace = `payments-roles${counter}-dev`;
    const res = await request(h.app)
      .post('/requests')
      .set('authorization', as('alice'))
      .send({
        cluster: 'sandbox',
        namespace,
        owner: 'group:default/payments',
        tier: 'dev',
        reason: 'roles test',
      });
    expect(res.status).toBe(201);
    await h.services.worker.idle();
    return { h, namespace };
  }

  /** Each person's roles in the namespace, as `GET /access` answers. */
  const rolesIn = async (h: Harness, namespace: string) => {
    const res = await request(h.app)
      .get(`/access?namespace=${namespace}`)
      .set('authorization', as('dave'));
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
      // Provisioned, but not seen yet: nothing is claimed.
      expect(await rolesIn(h, namespace)).toEqual({ alice: [], bob: [] });

      await h.services.reconciler.reconcileAll();
      expect(await rolesIn(h, namespace)).toEqual({
        alice: [EDIT, RBM],
        bob: [EDIT, RBM],
      });
      // Cluster Access's own bindings are roles, not "ways in" of their own.
      const all = await request(h.app)
        .get(`/access?namespace=${namespace}`)
        .set('authorization', as('dave'));
      expect(all.body.items.map((e: any) => e.via)).toEqual(['group', 'group']);

      // bob's binding-manager binding is deleted, and the cluster refuses to
      // make it again: he is shown as holding edit only.
      peer.deleteObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        namespace,
        name: 'ca-rbm-bob',
      });
      peer.failNext({ verb: 'patch', resource: 'rolebindings', status: 403 });
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
});
