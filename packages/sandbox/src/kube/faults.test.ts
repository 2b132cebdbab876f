import { CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import { startKubePeer, KubePeer } from './index';
import { failure, kubeConfigFor, rawRequest } from './__testUtils__/clients';

describe('kube peer test switches', () => {
  let peer: KubePeer;
  let core: CoreV1Api;
  let networking: NetworkingV1Api;

  beforeAll(async () => {
    peer = await startKubePeer();
    const kc = kubeConfigFor(peer, { token: peer.adminToken });
    core = kc.makeApiClient(CoreV1Api);
    networking = kc.makeApiClient(NetworkingV1Api);
    await core.createNamespace({ body: { metadata: { name: 'faults' } } });
  });
  afterAll(() => peer.close());
  afterEach(() => peer.setDelay(0));

  it('fails the next matching requests with the requested status, then recovers', async () => {
    peer.failNext({
      verb: 'list',
      resource: 'namespaces',
      times: 2,
      status: 500,
    });
    // A request that does not match is unaffected.
    await core.readNamespace({ name: 'faults' });
    const first = await failure(core.listNamespace());
    expect(first.code).toBe(500);
    expect(first.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'InternalError',
      code: 500,
    });
    expect((await failure(core.listNamespace())).code).toBe(500);
    const third = await core.listNamespace();
    expect(third.items.length).toBeGreaterThan(0);
  });

  it('fails only the named object when a fault names one', async () => {
    peer.failNext({ verb: 'get', resource: 'namespaces', name: 'faults' });
    // Another namespace is unaffected, and does not use the fault up.
    expect((await core.readNamespace({ name: 'default' })).metadata?.name).toBe(
      'default',
    );
    expect((await failure(core.readNamespace({ name: 'faults' }))).code).toBe(
      500,
    );
    await core.readNamespace({ name: 'faults' });
  });

  it('injects conflicts and throttling with the matching reasons', async () => {
    peer.failNext({ verb: 'create', resource: 'configmaps', status: 409 });
    const conflict = await failure(
      core.createNamespacedConfigMap({
        namespace: 'faults',
        body: { metadata: { name: 'x' } },
      }),
    );
    expect(conflict.status.reason).toBe('Conflict');
    // The failed create did not happen.
    expect(
      peer.getObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'faults',
        name: 'x',
      }),
    ).toBeUndefined();

    peer.failNext({ verb: 'patch', resource: 'networkpolicies', status: 429 });
    const throttled = await rawRequest(peer, {
      method: 'PATCH',
      path: '/apis/networking.k8s.io/v1/namespaces/faults/networkpolicies/p',
      headers: {
        Authorization: `Bearer ${peer.adminToken}`,
        'Content-Type': 'application/merge-patch+json',
      },
      body: '{}',
    });
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    // Throttling filters answer before any handler: plain text, not a Status.
    expect(throttled.body).toBe('Too many requests, please try again later.\n');
  });

  it('counts resource requests by verb and resource', async () => {
    peer.resetCounts();
    await core.listNamespace();
    await core.listNamespace();
    await networking.listNamespacedNetworkPolicy({ namespace: 'faults' });
    await core.createNamespacedConfigMap({
      namespace: 'faults',
      body: { metadata: { name: 'counted' } },
    });
    await failure(
      core.readNamespacedConfigMap({ name: 'missing', namespace: 'faults' }),
    );
    expect(peer.requestCounts()).toEqual({
      'list namespaces': 2,
      'list networkpolicies': 1,
      'create configmaps': 1,
      'get configmaps': 1,
    });
    peer.resetCounts();
    expect(peer.requestCounts()).toEqual({});
  });

  it('delays every request while a delay is set', async () => {
    // A delay far above what a read takes on a loaded machine, so that
    // the second bound says "not delayed", not "fast".
    peer.setDelay(1000);
    const started = Date.now();
    await core.readNamespace({ name: 'faults' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    peer.setDelay(0);
    const quick = Date.now();
    await core.readNamespace({ name: 'faults' });
    expect(Date.now() - quick).toBeLessThan(990);
  });

  it('reads and deletes objects directly to simulate drift', async () => {
    await networking.createNamespacedNetworkPolicy({
      namespace: 'faults',
      body: { metadata: { name: 'guard' }, spec: { podSelector: {} } },
    });
    const ref = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      namespace: 'faults',
      name: 'guard',
    };
    expect(peer.getObject(ref)?.metadata?.uid).toBeTruthy();
    expect(peer.deleteObject(ref)).toBe(true);
    expect(
      (
        await failure(
          networking.readNamespacedNetworkPolicy({
            name: 'guard',
            namespace: 'faults',
          }),
        )
      ).code,
    ).toBe(404);

    const put = peer.putObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'seeded', namespace: 'faults' },
      data: { a: 'b' },
    });
    expect(put.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(
      peer
        .listObjects({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: 'faults',
        })
        .map(o => o.metadata?.name),
    ).toContain('seeded');
  });
});
