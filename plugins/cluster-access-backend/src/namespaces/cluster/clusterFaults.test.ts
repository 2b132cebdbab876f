/*
 * What a real cluster does that a demo never shows: namespaces that take a
 * while to go away, throttling with Retry-After, refusals with texts meant
 * for operators. The peer runs with a long termination delay so that
 * "still Terminating" holds for as long as a test needs it.
 */
import { KubePeer } from '@cluster-access/sandbox';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import {
  asUser,
  fileRequest,
  Harness,
  ORG,
  paymentsRequest,
  peerConfig,
  sharedPeer,
} from '../../__testUtils__/harness';

jest.setTimeout(120_000);

describe('provisioning against a cluster that behaves like a real one', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer({ namespaceTerminationMs: 600_000 });

  const unique = kube.unique;
  const start = new Date('2026-12-01T10:00:00Z');
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  const live = (name: string) =>
    kube.peer.getObject({ apiVersion: 'v1', kind: 'Namespace', name });

  async function harness(
    databaseId: Parameters<typeof databases.init>[0],
    config?: object,
  ): Promise<Harness> {
    return kube.harness(await databases.init(databaseId), {
      clock: start,
      config: config
        ? peerConfig(kube.peer, kube.token, config as any)
        : undefined,
      policy: {
        allowed: user => user !== 'user:default/mallory',
        approve: user => (user === 'user:default/carol' ? 'allow' : 'deny'),
      },
    });
  }

  const requestNamespace = (h: Harness, namespace: string, tier = 'dev') =>
    fileRequest(h, paymentsRequest({ namespace, tier, reason: 'test' }));

  async function historyText(h: Harness, id: string): Promise<string> {
    const events = await h.history.listHistory({ requestId: id });
    return JSON.stringify(events.map(e => [e.message, e.details]));
  }

  it.each(databases.eachSupportedId())(
    'ends a decommission only once the namespace is gone, without a second DELETE, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-bye')}-dev`;
      const created = await requestNamespace(h, namespace);
      await h.services.worker.idle();
      const asked = await request(h.app)
        .delete(`/namespaces/sandbox/${namespace}`)
        .set('authorization', asUser('bob'))
        .send({ reason: 'done' });
      await request(h.app)
        .post(`/requests/${asked.body.id}/approve`)
        .set('authorization', asUser('carol'))
        .expect(200);
      await h.services.worker.idle();
      expect(live(namespace)?.metadata?.deletionTimestamp).toBeDefined();
      const status = async (id: string) =>
        (await h.services.store.getRequest(id))?.status;
      expect(await status(asked.body.id)).toBe('decommissioning');
      expect(await status(created.body.id)).toBe('decommissioning');

      kube.peer.resetCounts();
      h.clock.now = at(11);
      await h.services.worker.runOnce();
      expect(await status(asked.body.id)).toBe('decommissioning');
      expect(kube.peer.requestCounts()).toEqual({ 'get namespaces': 1 });

      // The namespace controller finishes.
      kube.peer.deleteObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: namespace,
      });
      h.clock.now = at(22);
      await h.services.worker.runOnce();
      expect(await status(asked.body.id)).toBe('deleted');
      expect(await status(created.body.id)).toBe('deleted');
      const types = (await h.history.listHistory({ requestId: asked.body.id }))
        .map(e => e.type)
        .reverse();
      expect(types).toEqual([
        'decommission.requested',
        'decommission.approved',
        'decommission.started',
        'namespace.deleted',
      ]);
      expect((await requestNamespace(h, namespace)).status).toBe(201);
    },
  );

  it.each(databases.eachSupportedId())(
    'waits for a name that is still Terminating instead of calling it someone else’s, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-again')}-qa`;
      const pending = await requestNamespace(h, namespace, 'qa');
      expect(pending.body.status).toBe('pending');
      // Meanwhile an earlier namespace of that name is being deleted.
      kube.peer.putObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      });
      await deleteAsAdmin(kube.peer, namespace);
      expect(live(namespace)?.metadata?.deletionTimestamp).toBeDefined();

      // A new request for the name is told why it cannot have it yet.
      const refused = await requestNamespace(h, namespace, 'qa');
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('is still being deleted');

      await request(h.app)
        .post(`/requests/${pending.body.id}/approve`)
        .set('authorization', asUser('carol'))
        .expect(200);
      await h.services.worker.idle();
      const waiting = await h.services.store.getRequest(pending.body.id);
      expect(waiting).toMatchObject({
        status: 'failed',
        error: `A namespace named ${namespace} is still being deleted on cluster sandbox; provisioning starts once it is gone. Checking again in 15 seconds.`,
        nextAttemptAt: at(15).toISOString(),
      });

      kube.peer.deleteObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: namespace,
      });
      h.clock.now = at(16);
      await h.services.worker.runOnce();
      expect((await h.services.store.getRequest(pending.body.id))?.status).toBe(
        'ready',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'honours Retry-After: short waits in place, long ones instead of the backoff, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const quick = `${unique('payments-quick')}-dev`;
      kube.peer.resetCounts();
      kube.peer.failNext({
        verb: 'patch',
        resource: 'limitranges',
        status: 429,
        times: 2,
      });
      const first = await requestNamespace(h, quick);
      await h.services.worker.idle();
      expect((await h.services.store.getRequest(first.body.id))?.status).toBe(
        'ready',
      );
      expect(kube.peer.requestCounts()['patch limitranges']).toBe(3);

      const slow = `${unique('payments-slow')}-dev`;
      kube.peer.failNext({
        verb: 'patch',
        resource: 'resourcequotas',
        status: 429,
        retryAfterSeconds: 120,
      });
      const second = await requestNamespace(h, slow);
      await h.services.worker.idle();
      expect(await h.services.store.getRequest(second.body.id)).toMatchObject({
        status: 'failed',
        nextAttemptAt: at(120).toISOString(),
        error:
          'The cluster sandbox is busy and asked Cluster Access to slow down. Trying again in 2 minutes.',
      });
      // Work filed meanwhile on that cluster waits for the same time,
      // without the calls the cluster would refuse.
      kube.peer.resetCounts();
      const third = await requestNamespace(h, `${unique('payments-next')}-dev`);
      await h.services.worker.idle();
      expect(await h.services.store.getRequest(third.body.id)).toMatchObject({
        status: 'approved',
        nextAttemptAt: at(120).toISOString(),
      });
      // Only filing's check that the name is free; nothing provisioned.
      expect(kube.peer.requestCounts()).toEqual({ 'get namespaces': 1 });

      h.clock.now = at(121);
      await h.services.worker.runOnce();
      expect((await h.services.store.getRequest(second.body.id))?.status).toBe(
        'ready',
      );
      expect((await h.services.store.getRequest(third.body.id))?.status).toBe(
        'ready',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the cluster’s own texts and addresses out of the public history, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const namespace = `${unique('payments-refused')}-dev`;
      const internals =
        'admission webhook "policy.internal.example" denied: rule 7';
      kube.peer.failNext({
        verb: 'patch',
        resource: 'resourcequotas',
        status: 422,
        message: internals,
      });
      const res = await requestNamespace(h, namespace);
      await h.services.worker.idle();
      const failed = await h.services.store.getRequest(res.body.id);
      expect(failed?.error).toBe(
        'The cluster sandbox refused the ResourceQuota cluster-access-quota; operators can find its reason in the backend logs. Trying again in 30 seconds.',
      );
      const text = await historyText(h, res.body.id);
      expect(text).toContain('Provisioning');
      expect(text).not.toContain(internals);
      expect(text).not.toContain('422');
      expect(text).not.toContain(kube.peer.url);
    },
  );

  it.each(databases.eachSupportedId())(
    'provisions for a Group whose name is longer than a label value may be, on %p',
    async databaseId => {
      const group = `payments-${'x'.repeat(54)}_platform`;
      expect(group.length).toBe(72);
      const h = await harness(databaseId, {
        tiers: [
          { name: 'team', approval: 'none', namingPattern: 'team-{suffix}' },
        ],
      });
      h.setOrg({ ...ORG, [group]: ['alice'] });
      const namespace = unique('team-long');
      const res = await fileRequest(h, {
        cluster: 'sandbox',
        namespace,
        owner: `group:default/${group}`,
        tier: 'team',
        reason: 'test',
      });
      expect(res.status).toBe(201);
      await h.services.worker.idle();
      expect((await h.services.store.getRequest(res.body.id))?.status).toBe(
        'ready',
      );
      const label =
        live(namespace)!.metadata!.labels![
          'cluster-access.backstage.io/owner-group'
        ];
      expect(label.length).toBeLessThanOrEqual(63);
      expect(label).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    },
  );
});

/** Deletes a namespace as a cluster admin (set-up the backend must not do). */
async function deleteAsAdmin(peer: KubePeer, name: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'peer',
        server: peer.url,
        caData: Buffer.from(peer.caPem).toString('base64'),
      },
    ],
    users: [{ name: 'admin', token: peer.adminToken }],
    contexts: [{ name: 'peer', cluster: 'peer', user: 'admin' }],
    currentContext: 'peer',
  });
  await kc.makeApiClient(CoreV1Api).deleteNamespace({ name });
}
