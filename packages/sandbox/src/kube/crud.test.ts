import { CoreV1Api } from '@kubernetes/client-node';
import { startKubePeer, KubePeer } from './index';
import { failure, kubeConfigFor } from './__testUtils__/clients';

describe('kube peer CRUD', () => {
  let peer: KubePeer;
  let core: CoreV1Api;

  beforeAll(async () => {
    peer = await startKubePeer();
    core = kubeConfigFor(peer, { token: peer.adminToken }).makeApiClient(
      CoreV1Api,
    );
  });
  afterAll(() => peer.close());

  it('creates a namespace and a configmap', async () => {
    const ns = await core.createNamespace({
      body: { metadata: { name: 'crud-a' } },
    });
    expect(ns.metadata?.labels?.['kubernetes.io/metadata.name']).toBe('crud-a');
    expect(ns.status?.phase).toBe('Active');
    const cm = await core.createNamespacedConfigMap({
      namespace: 'crud-a',
      body: { metadata: { name: 'one' }, data: { a: 'b' } },
    });
    expect(cm.metadata?.uid).toBeTruthy();
    const err = await failure(
      core.createNamespacedConfigMap({
        namespace: 'crud-a',
        body: { metadata: { name: 'one' } },
      }),
    );
    expect(err.code).toBe(409);
    expect(err.status.reason).toBe('AlreadyExists');
  });
});
