import { CoreV1Api } from '@kubernetes/client-node';
import https from 'node:https';
import { startKubePeer, KubePeer } from './index';
import { kubeConfigFor } from './__testUtils__/clients';

// Real kubectl and TLS round trips on loaded CI cores run past jest's 5 s default.
jest.setTimeout(30_000);

/** Opens a watch and collects its events until `count` arrived (or 10 s passed). */
function watchEvents(
  peer: KubePeer,
  path: string,
  count: number,
  whileOpen: () => Promise<void> = async () => {},
): Promise<{ type: string; object: any }[]> {
  return new Promise((resolve, reject) => {
    const events: { type: string; object: any }[] = [];
    let buffer = '';
    const req = https.request(new URL(path, peer.url), {
      ca: peer.caPem,
      headers: { Authorization: `Bearer ${peer.adminToken}` },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve(events);
    }, 10_000);
    req.on('response', res => {
      res.on('data', chunk => {
        buffer += chunk.toString();
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)));
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
        }
        if (events.length >= count) {
          clearTimeout(timer);
          req.destroy();
          resolve(events);
        }
      });
      whileOpen().catch(reject);
    });
    req.on('error', e => (events.length >= count ? undefined : reject(e)));
    req.end();
  });
}

describe('kube peer watch', () => {
  let peer: KubePeer;
  let core: CoreV1Api;

  beforeAll(async () => {
    peer = await startKubePeer();
    core = kubeConfigFor(peer, { token: peer.adminToken }).makeApiClient(
      CoreV1Api,
    );
    await core.createNamespace({ body: { metadata: { name: 'w' } } });
  });
  afterAll(() => peer.close());

  it('streams the current objects, then changes, filtered by selectors', async () => {
    await core.createNamespacedConfigMap({
      namespace: 'w',
      body: { metadata: { name: 'one', labels: { app: 'x' } } },
    });
    const events = await watchEvents(
      peer,
      '/api/v1/namespaces/w/configmaps?watch=true&labelSelector=app%3Dx',
      4,
      async () => {
        await core.createNamespacedConfigMap({
          namespace: 'w',
          body: { metadata: { name: 'other' } },
        });
        await core.createNamespacedConfigMap({
          namespace: 'w',
          body: { metadata: { name: 'two', labels: { app: 'x' } } },
        });
        await core.replaceNamespacedConfigMap({
          namespace: 'w',
          name: 'two',
          body: {
            metadata: { name: 'two', labels: { app: 'x' } },
            data: { a: 'b' },
          },
        });
        await core.deleteNamespacedConfigMap({ namespace: 'w', name: 'one' });
      },
    );
    expect(events.map(e => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'one'],
      ['ADDED', 'two'],
      ['MODIFIED', 'two'],
      ['DELETED', 'one'],
    ]);
    expect(events[0].object).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
    });
  });

  it('resumes from a resourceVersion, and answers 410 once it was compacted', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'w' });
    const rv = list.metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({
      namespace: 'w',
      body: { metadata: { name: 'later' } },
    });
    const resumed = await watchEvents(
      peer,
      `/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${rv}`,
      1,
    );
    expect(resumed.map(e => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'later'],
    ]);
    peer.compact();
    const expired = await watchEvents(
      peer,
      `/api/v1/namespaces/w/configmaps?watch=true&resourceVersion=${rv}`,
      1,
    );
    expect(expired[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
  });
});
