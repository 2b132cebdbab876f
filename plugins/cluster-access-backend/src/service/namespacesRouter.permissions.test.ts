import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  asUser,
  fileRequest,
  Harness,
  onlyPlatformMayRequest,
  sharedPeer,
  TestPolicy,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

// Conditional decisions are evaluated in the router and the services, not in
// the store: one database is enough here (the store tests cover both).
describe('namespace routes: resource permissions, audit and dry run', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer();
  const unique = kube.unique;

  const harness = async (policy?: TestPolicy): Promise<Harness> =>
    kube.harness(await databases.init('SQLITE_3'), { policy });

  const file = (h: Harness, user: string, body: Record<string, unknown>) =>
    fileRequest(h, { cluster: 'sandbox', reason: 'tests', ...body }, user);

  it('applies a conditional create decision to the request being filed: only platform may request qa', async () => {
    const h = await harness(onlyPlatformMayRequest('qa'));
    const qa = `${unique('payments-api')}-qa`;
    const refused = await file(h, 'alice', {
      namespace: qa,
      owner: 'group:default/payments',
      tier: 'qa',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'You are not allowed to cluster-access.request.create for tier qa on cluster sandbox owned by group:default/payments',
    );
    expect(
      await h.services.store.listRequests({
        cluster: 'sandbox',
        namespace: qa,
      }),
    ).toEqual([]);

    // The same user may still ask for dev, and platform may ask for qa.
    const dev = await file(h, 'alice', {
      namespace: `${unique('payments-api')}-dev`,
      owner: 'group:default/payments',
      tier: 'dev',
    });
    expect(dev.status).toBe(201);
    const platform = await file(h, 'carol', {
      namespace: `${unique('platform-tools')}-qa`,
      owner: 'Group:default/Platform',
      tier: 'qa',
    });
    expect(platform.status).toBe(201);
    expect(platform.body).toMatchObject({ status: 'pending', tier: 'qa' });

    // Bad input is still a 400 naming the problem, before any condition...
    const unknown = await file(h, 'alice', {
      namespace: 'payments-x-prod',
      owner: 'group:default/payments',
      tier: 'prod',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^Unknown tier prod/);
    // ...and a definite DENY is a 403 before the request's tier, cluster or
    // owner are looked at. (A body that breaks the OpenAPI spec is refused by
    // the validated router first, with a 400, whoever sends it.)
    const denied = await file(h, 'mallory', {
      namespace: `${unique('payments-api')}-dev`,
      owner: 'group:default/nowhere',
      tier: 'nope',
    });
    expect(denied.status).toBe(403);
    await h.services.worker.idle();
  });

  it('applies conditional decisions on members and decommissioning to the namespace acted on', async () => {
    let allowedTiers = ['qa'];
    const h = await harness({
      allowed: user => user !== 'user:default/mallory',
      approve: () => 'deny',
      conditions: (_user, permission) =>
        permission.startsWith('cluster-access.namespace.')
          ? {
              rule: 'IS_TIER',
              resourceType: 'cluster-access-request',
              params: { tiers: allowedTiers },
            }
          : undefined,
    });
    const namespace = `${unique('payments-web')}-dev`;
    expect(
      (
        await file(h, 'alice', {
          namespace,
          owner: 'group:default/payments',
          tier: 'dev',
        })
      ).status,
    ).toBe(201);
    await h.services.worker.idle();
    const base = `/namespaces/sandbox/${namespace}`;
    const add = () =>
      request(h.app)
        .post(`${base}/members`)
        .set('authorization', asUser('alice'))
        .send({ user: 'user:default/erin' });
    const remove = () =>
      request(h.app)
        .delete(`${base}/members/${encodeURIComponent('user:default/erin')}`)
        .set('authorization', asUser('alice'));
    const decommission = () =>
      request(h.app)
        .delete(base)
        .set('authorization', asUser('alice'))
        .send({ reason: 'done' });

    const refusedAdd = await add();
    expect(refusedAdd.status).toBe(403);
    expect(refusedAdd.body.error.message).toBe(
      'You are not allowed to cluster-access.namespace.members.manage for tier dev on cluster sandbox owned by group:default/payments',
    );
    expect((await remove()).status).toBe(403);
    const refusedDelete = await decommission();
    expect(refusedDelete.status).toBe(403);
    expect(refusedDelete.body.error.message).toMatch(
      /cluster-access\.namespace\.delete for tier dev/,
    );
    expect(
      await h.services.store.listRequests({ kind: 'decommission', namespace }),
    ).toEqual([]);

    // An unknown namespace is a 404 whatever the conditions say.
    const missing = await request(h.app)
      .post('/namespaces/sandbox/missing-x-dev/members')
      .set('authorization', asUser('alice'))
      .send({ user: 'user:default/erin' });
    expect(missing.status).toBe(404);

    allowedTiers = ['dev'];
    expect((await add()).status).toBe(201);
    expect((await remove()).status).toBe(200);
    expect((await decommission()).status).toBe(202);
  });

  it('audits a withdrawal, refused ones included', async () => {
    const h = await harness({ allowed: () => true, approve: () => 'deny' });
    const created = await file(h, 'alice', {
      namespace: `${unique('payments-withdraw')}-qa`,
      owner: 'group:default/payments',
      tier: 'qa',
    });
    expect(created.status).toBe(201);
    const withdraw = (user: string) =>
      request(h.app)
        .post(`/requests/${created.body.id}/withdraw`)
        .set('authorization', asUser(user))
        .send({ comment: 'not needed after all' });
    expect((await withdraw('bob')).status).toBe(403);
    expect((await withdraw('alice')).status).toBe(200);

    const withdrawals = h.auditEvents.filter(
      e => e.eventId === 'namespace-request-withdraw',
    );
    expect(withdrawals.map(e => [e.severityLevel, e.outcome])).toEqual([
      ['medium', 'fail'],
      ['medium', 'success'],
    ]);
    expect(withdrawals[0].error?.name).toBe('NotAllowedError');
    expect(withdrawals[1].meta).toMatchObject({
      requestId: created.body.id,
      status: 'withdrawn',
    });
  });

  it('emits an audit event for every write, refused ones included', async () => {
    const h = await harness({
      allowed: user => user !== 'user:default/mallory',
      approve: user => (user === 'user:default/carol' ? 'allow' : 'deny'),
    });
    const namespace = `${unique('payments-audit')}-qa`;
    const created = await file(h, 'alice', {
      namespace,
      owner: 'group:default/payments',
      tier: 'qa',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(
      (
        await request(h.app)
          .post(`/requests/${id}/reject`)
          .set('authorization', asUser('dave'))
          .send({ comment: 'no' })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(h.app)
          .post(`/requests/${id}/approve`)
          .set('authorization', asUser('carol'))
      ).status,
    ).toBe(200);
    await h.services.worker.idle();
    const base = `/namespaces/sandbox/${namespace}`;
    expect(
      (
        await request(h.app)
          .post(`${base}/members`)
          .set('authorization', asUser('bob'))
          .send({ user: 'user:default/erin' })
      ).status,
    ).toBe(201);
    expect(
      (
        await request(h.app)
          .delete(`${base}/members/${encodeURIComponent('user:default/erin')}`)
          .set('authorization', asUser('bob'))
      ).status,
    ).toBe(200);
    expect(
      (await request(h.app).delete(base).send({ reason: 'x' })).status,
    ).toBe(401);
    expect(
      (
        await request(h.app)
          .delete(base)
          .set('authorization', asUser('mallory'))
          .send({ reason: 'x' })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(h.app)
          .delete(base)
          .set('authorization', asUser('alice'))
          .send({ reason: 'done' })
      ).status,
    ).toBe(202);
    // Reads are not audited.
    await request(h.app).get('/requests').set('authorization', asUser('alice'));

    expect(
      h.auditEvents.map(e => [e.eventId, e.severityLevel, e.outcome]),
    ).toEqual([
      ['namespace-request', 'medium', 'success'],
      ['namespace-request-decide', 'high', 'fail'],
      ['namespace-request-decide', 'high', 'success'],
      ['namespace-member-add', 'high', 'success'],
      ['namespace-member-remove', 'high', 'success'],
      ['namespace-decommission', 'medium', 'fail'],
      ['namespace-decommission', 'medium', 'fail'],
      ['namespace-decommission', 'medium', 'success'],
    ]);
    const [filed, rejected, approved, added, removed, anonymous, mallory] =
      h.auditEvents;
    expect(filed.meta).toEqual({
      requestId: id,
      cluster: 'sandbox',
      namespace,
      owner: 'group:default/payments',
      tier: 'qa',
      status: 'pending',
    });
    expect(rejected.meta).toEqual({ requestId: id, decision: 'reject' });
    expect(rejected.error?.name).toBe('NotAllowedError');
    expect(approved.meta).toMatchObject({
      requestId: id,
      decision: 'approve',
      status: 'approved',
    });
    expect(added.meta).toEqual({
      cluster: 'sandbox',
      namespace,
      user: 'user:default/erin',
      applied: true,
    });
    expect(removed.meta).toMatchObject({
      user: 'user:default/erin',
      applied: true,
    });
    expect(anonymous.error?.name).toBe('AuthenticationError');
    expect(mallory.error?.name).toBe('NotAllowedError');
    expect(h.auditEvents[7].meta).toMatchObject({
      namespace,
      status: 'pending',
    });
  });

  it('dry-runs a request: the same checks and the manifests, filing and creating nothing', async () => {
    const h = await harness();
    const namespace = `${unique('payments-dry')}-dev`;
    const body = {
      cluster: 'sandbox',
      namespace,
      owner: 'group:default/payments',
      tier: 'dev',
      reason: 'tests',
    };
    const dryRun = (user: string, overrides: object = {}) =>
      request(h.app)
        .post('/requests/dry-run')
        .set('authorization', asUser(user))
        .send({ ...body, ...overrides });

    const res = await dryRun('alice');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      cluster: 'sandbox',
      namespace,
      owner: 'group:default/payments',
      tier: 'dev',
      approval: 'none',
    });
    const objects = res.body.manifests.map(
      (m: any) => `${m.kind}/${m.metadata.name}`,
    );
    expect(objects).toEqual(
      expect.arrayContaining([
        `Namespace/${namespace}`,
        'ResourceQuota/cluster-access-quota',
        'LimitRange/cluster-access-defaults',
        'NetworkPolicy/cluster-access-isolation',
        'RoleBinding/ca-edit-alice',
        'RoleBinding/ca-edit-bob',
      ]),
    );
    expect(objects[0]).toBe(`Namespace/${namespace}`);
    expect(
      res.body.manifests[0].metadata.annotations[
        'cluster-access.backstage.io/request-id'
      ],
    ).toBe('00000000-0000-0000-0000-000000000000');
    // Nothing filed, nothing made, nothing in the history.
    expect(await h.services.store.listRequests({ namespace })).toEqual([]);
    expect(
      kube.peer.getObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: namespace,
      }),
    ).toBeUndefined();
    expect(await h.history.listHistory({})).toEqual([]);

    // The same refusals as filing.
    expect((await dryRun('dave')).status).toBe(403);
    expect((await dryRun('mallory')).status).toBe(403);
    const badName = await dryRun('alice', { namespace: 'Payments' });
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/^Invalid namespace name/);
    expect((await fileRequest(h, body)).status).toBe(201);
    // Taken while the request is merely filed, and once the namespace is made.
    const requested = await dryRun('bob');
    expect(requested.status).toBe(409);
    await h.services.worker.idle();
    expect((await dryRun('bob')).status).toBe(409);
    await h.services.worker.idle();
  });
});
