import { ConfigReader } from '@backstage/config';
import { KubePeer } from '@cluster-access/sandbox';
import { readClusterAccessSettings } from '../../config/readClusterAccessSettings';
import { startPeer } from '../../__testUtils__/harness';
import { KubernetesClusterClient } from './KubernetesClusterClient';

jest.setTimeout(60_000);

const namespaceRef = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  name,
});

describe('KubernetesClusterClient connections', () => {
  let peer: KubePeer;
  let other: KubePeer;
  let token: string;

  beforeAll(async () => {
    ({ peer, token } = await startPeer());
    ({ peer: other } = await startPeer());
  });
  afterAll(async () => {
    await peer.close();
    await other.close();
  });

  // The peer's address and token, trusting the CA given.
  const settingsFor = (caPem: string) =>
    readClusterAccessSettings(
      new ConfigReader({
        clusterAccess: {
          clusters: [
            {
              name: 'sandbox',
              url: peer.url,
              caData: Buffer.from(caPem).toString('base64'),
              serviceAccountToken: token,
            },
          ],
        },
      }),
    ).clusters[0];

  it('makes many calls over a few kept-alive TLS connections', async () => {
    const client = KubernetesClusterClient.create(settingsFor(peer.caPem));
    peer.resetCounts();
    for (let i = 0; i < 10; i++) {
      expect(await client.get(namespaceRef('default'))).toBeDefined();
    }
    await Promise.all(
      Array.from({ length: 8 }, () => client.get(namespaceRef('default'))),
    );
    // One handshake, plus at most one per call made while the others were
    // still open: never one per call.
    expect(peer.requestCounts()['get namespaces']).toBe(18);
    expect(peer.connectionCount()).toBeGreaterThanOrEqual(1);
    expect(peer.connectionCount()).toBeLessThanOrEqual(8);
  });

  it('never opens more than 32 connections to a cluster, however many calls wait', async () => {
    const client = KubernetesClusterClient.create(settingsFor(peer.caPem));
    peer.resetCounts();
    await Promise.all(
      Array.from({ length: 100 }, () => client.get(namespaceRef('default'))),
    );
    expect(peer.requestCounts()['get namespaces']).toBe(100);
    expect(peer.connectionCount()).toBeLessThanOrEqual(32);
  });

  it('still refuses a server its configured CA did not sign', async () => {
    const client = KubernetesClusterClient.create(settingsFor(other.caPem));
    await expect(client.get(namespaceRef('default'))).rejects.toThrow();
    expect(peer.requestCounts()['get namespaces'] ?? 0).toBe(100);
  });
});
