import { mockCredentials } from '@backstage/backend-test-utils';
import { KubePeer } from '@cluster-access/sandbox';
import request from 'supertest';
import YAML from 'yaml';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  asUser,
  fileRequest,
  Harness,
  sharedPeer,
} from '../__testUtils__/harness';
import { MANAGED_KINDS } from '../namespaces/cluster/manifests';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '../namespaces/cluster/labels';

jest.setTimeout(120_000);

/** Every object the backend manages in a namespace, as the peer holds it. */
function managedInPeer(peer: KubePeer, namespace: string) {
  return MANAGED_KINDS.flatMap(({ apiVersion, kind, namespaced }) =>
    peer
      .listObjects(
        namespaced ? { apiVersion, kind, namespace } : { apiVersion, kind },
      )
      .filter(
        o =>
          o.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE &&
          (namespaced || o.metadata?.name === namespace),
      ),
  );
}

const key = (o: any) => `${o.kind}/${o.metadata.name}`;

describe('request manifests and "what can I do"', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer();
  const unique = kube.unique;

  const harness = async (
    databaseId: Parameters<typeof databases.init>[0],
  ): Promise<Harness> => kube.harness(await databases.init(databaseId));

  async function file(h: Harness, user: string, body: object) {
    const res = await fileRequest(
      h,
      {
        cluster: 'sandbox',
        owner: 'group:default/payments',
        reason: 'the payments API',
        ...body,
      },
      user,
    );
    expect(res.status).toBe(201);
    return res.body;
  }

  const manifests = (h: Harness, id: string, user = 'alice') =>
    request(h.app)
      .get(`/requests/${id}/manifests`)
      .set('authorization', asUser(user));

  it.each(databases.eachSupportedId())(
    'shows exactly the objects provisioning applied, as JSON and as a YAML download, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-mf')}-dev`;
      const filed = await file(h, 'alice', { namespace, tier: 'dev' });
      await h.services.worker.idle();
      const extra = await request(h.app)
        .post(`/namespaces/sandbox/${namespace}/members`)
        .set('authorization', asUser('alice'))
        .send({ user: 'user:default/erin' });
      expect(extra.status).toBe(201);

      const res = await manifests(h, filed.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        requestId: filed.id,
        cluster: 'sandbox',
        namespace,
        status: 'ready',
        state: 'applied',
        filename: `sandbox-${namespace}.yaml`,
      });
      const items: any[] = res.body.items;
      // One source of truth: every object the route shows is in the cluster
      // as shown, and the cluster has no managed object the route leaves out.
      const live = managedInPeer(kube.peer, namespace);
      expect(items.map(key).sort()).toEqual(live.map(key).sort());
      for (const item of items) {
        const stored = live.find(o => key(o) === key(item));
        expect(stored).toMatchObject(item);
      }
      expect(items.map(key)).toEqual([
        `Namespace/${namespace}`,
        'LimitRange/cluster-access-defaults',
        'ResourceQuota/cluster-access-quota',
        'NetworkPolicy/cluster-access-isolation',
        'RoleBinding/ca-edit-alice',
        'RoleBinding/ca-edit-bob',
        'RoleBinding/ca-edit-erin',
        'Role/rolebinding-manager',
        'RoleBinding/ca-rbm-alice',
        'RoleBinding/ca-rbm-bob',
        'RoleBinding/ca-rbm-erin',
      ]);
      // The API's names, never client-node's model names.
      expect(items[1].spec.limits[0]).toHaveProperty('default');
      expect(JSON.stringify(items)).not.toContain('_default');

      const download = await request(h.app)
        .get(`/requests/${filed.id}/manifests?format=yaml`)
        .set('authorization', asUser('bob'));
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toMatch(/^text\/yaml/);
      expect(download.headers['content-disposition']).toBe(
        `attachment; filename="sandbox-${namespace}.yaml"`,
      );
      expect(download.text).toBe(res.body.yaml);
      expect(download.text).toMatch(/^# Namespace .* on cluster sandbox/);
      const documents = YAML.parseAllDocuments(download.text).map(d =>
        d.toJS(),
      );
      expect(documents).toEqual(items);
    },
  );

  it.each(databases.eachSupportedId())(
    'shows a pending request what it will apply, a decommission what it deletes, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-mq')}-qa`;
      const filed = await file(h, 'alice', { namespace, tier: 'qa' });
      // Open to every signed-in user, like the request: even one the policy
      // denies everything.
      const res = await manifests(h, filed.id, 'mallory');
      expect(res.status).toBe(200);
      expect(res.body.state).toBe('planned');
      expect(res.body.items[0].metadata.annotations).toMatchObject({
        'cluster-access.backstage.io/request-id': filed.id,
      });
      expect(managedInPeer(kube.peer, namespace)).toEqual([]);

      const approved = await request(h.app)
        .post(`/requests/${filed.id}/approve`)
        .set('authorization', asUser('carol'))
        .send({});
      expect(approved.status).toBe(200);
      await h.services.worker.idle();
      const decommission = await request(h.app)
        .delete(`/namespaces/sandbox/${namespace}`)
        .set('authorization', asUser('alice'))
        .send({ reason: 'done' });
      expect(decommission.status).toBe(202);
      const shown = await manifests(h, decommission.body.id);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({
        requestId: decommission.body.id,
        state: 'deleting',
      });
      expect(shown.body.items).toEqual(
        (await manifests(h, filed.id)).body.items,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses callers without a user, unknown and malformed ids, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const id = '6f1c3c50-0000-4000-8000-000000000001';
      expect(
        (await request(h.app).get(`/requests/${id}/manifests`)).status,
      ).toBe(401);
      const service = await request(h.app)
        .get(`/requests/${id}/manifests`)
        .set('authorization', mockCredentials.service.header());
      expect(service.status).toBe(403);
      const unknown = await manifests(h, id);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(`No namespace request ${id}`);
      expect((await manifests(h, 'not-a-uuid')).status).toBe(400);
      const format = await request(h.app)
        .get(`/requests/${id}/manifests?format=xml`)
        .set('authorization', asUser('alice'));
      expect(format.status).toBe(400);
      expect(format.body.error.message).toMatch(/format/);
    },
  );

  it.each(databases.eachSupportedId())(
    "answers 'what can I do' for the signed-in user only, on %p",
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-me')}-dev`;
      await file(h, 'alice', { namespace, tier: 'dev' });
      await h.services.worker.idle();
      const mine = (user: string, query = '') =>
        request(h.app)
          .get(`/access?mine=true${query}`)
          .set('authorization', asUser(user));
      const alice = await mine('alice');
      expect(alice.status).toBe(200);
      const ours = alice.body.items.filter(
        (e: any) => e.namespace === namespace,
      );
      expect(ours).toEqual([
        expect.objectContaining({
          via: 'group',
          user: 'user:default/alice',
          role: { kind: 'ClusterRole', name: 'edit' },
        }),
      ]);
      const byRef = await request(h.app)
        .get('/access?user=user:default/alice')
        .set('authorization', asUser('alice'));
      expect(alice.body.items).toEqual(byRef.body.items);
      // Frank is in no Group: the namespace is not his.
      const frank = await mine('frank');
      expect(
        frank.body.items.filter((e: any) => e.namespace === namespace),
      ).toEqual([]);
      const both = await mine('alice', '&user=user:default/bob');
      expect(both.status).toBe(400);
      expect(both.body.error.message).toBe(
        'Give either user or mine=true, not both',
      );
      expect((await request(h.app).get('/access?mine=true')).status).toBe(401);
    },
  );
});
