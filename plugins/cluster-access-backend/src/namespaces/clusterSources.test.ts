import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  createCertificateAuthority,
  issueLeafCertificate,
  KubePeer,
} from '@cluster-access/sandbox';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { createHarness, Harness, startPeer } from '../__testUtils__/harness';
import { createTestDatabases } from '../__testUtils__/testDatabases';

jest.setTimeout(120_000);

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A cluster as the Kubernetes plugin's catalog locator reads it. */
function clusterEntity(name: string, peer: KubePeer, url = peer.url): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      title: 'QA cluster',
      annotations: {
        'kubernetes.io/api-server': url,
        'kubernetes.io/api-server-certificate-authority': b64(peer.caPem),
        'kubernetes.io/auth-provider': 'oidc',
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  };
}

/*
 * Two Kubernetes peers: `dev` declared the Kubernetes plugin's way
 * (kubernetes.clusterLocatorMethods, type config), `qa` as a catalog
 * Resource; clusterAccess.clusters only adds the provisioning tokens (and,
 * for the catalog cluster, the CA the token is bound to).
 */
describe('clusters from the Kubernetes plugin config and the catalog', () => {
  const databases = createTestDatabases();
  let dev: { peer: KubePeer; token: string };
  let qa: { peer: KubePeer; token: string };
  let counter = 0;

  beforeAll(async () => {
    [dev, qa] = await Promise.all([startPeer(), startPeer()]);
  });
  afterAll(async () => {
    await Promise.all([dev.peer.close(), qa.peer.close()]);
  });

  function config() {
    return {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'dev',
                url: dev.peer.url,
                authProvider: 'serviceAccount',
                // The Kubernetes plugin's own (read) token: never used to
                // provision.
                serviceAccountToken: 'kubernetes-plugin-token',
                caData: b64(dev.peer.caPem),
              },
              {
                name: 'viewer-only',
                url: 'https://viewer.example.com',
                authProvider: 'serviceAccount',
                serviceAccountToken: 'kubernetes-plugin-token',
              },
            ],
          },
          { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
        ],
      },
      clusterAccess: {
        clusters: [
          { name: 'dev', serviceAccountToken: dev.token, tiers: ['dev'] },
          {
            name: 'qa',
            caData: b64(qa.peer.caPem),
            serviceAccountToken: qa.token,
            tiers: ['qa'],
          },
        ],
      },
    };
  }

  async function harness(databaseId: Parameters<typeof databases.init>[0]) {
    return createHarness({
      knex: await databases.init(databaseId),
      peer: dev.peer,
      token: dev.token,
      config: config(),
      entities: [clusterEntity('qa', qa.peer)],
    });
  }

  async function requestNamespace(
    h: Harness,
    cluster: string,
    tier: string,
  ): Promise<request.Response> {
    counter += 1;
    return request(h.app)
      .post('/requests')
      .set('authorization', as('alice'))
      .send({
        cluster,
        namespace: `payments-multi${counter}-${tier}`,
        owner: 'group:default/payments',
        tier,
        reason: 'test',
      });
  }

  const namespaceOn = (peer: KubePeer, name: string) =>
    peer.getObject({ apiVersion: 'v1', kind: 'Namespace', name });

  it.each(databases.eachSupportedId())(
    'offers both clusters with their tiers and provisions on each peer, on %p',
    async databaseId => {
      const h = await harness(databaseId);
      const clusters = await request(h.app)
        .get('/clusters')
        .set('authorization', as('alice'));
      expect(clusters.body.items).toEqual([
        {
          name: 'dev',
          server: dev.peer.url,
          provisioning: true,
          tiers: ['dev'],
        },
        {
          name: 'viewer-only',
          server: 'https://viewer.example.com',
          provisioning: false,
          tiers: ['dev', 'qa'],
        },
        {
          name: 'qa',
          title: 'QA cluster',
          server: qa.peer.url,
          provisioning: true,
          tiers: ['qa'],
        },
      ]);

      const devRequest = await requestNamespace(h, 'dev', 'dev');
      expect(devRequest.status).toBe(201);
      await h.services.worker.idle();
      expect(
        (await h.services.store.getRequest(devRequest.body.id))?.status,
      ).toBe('ready');
      expect(namespaceOn(dev.peer, devRequest.body.namespace)).toBeDefined();
      expect(namespaceOn(qa.peer, devRequest.body.namespace)).toBeUndefined();

      const qaRequest = await requestNamespace(h, 'qa', 'qa');
      expect(qaRequest.status).toBe(201);
      const approved = await request(h.app)
        .post(`/requests/${qaRequest.body.id}/approve`)
        .set('authorization', as('carol'))
        .send({ comment: 'ok' });
      expect(approved.status).toBe(200);
      await h.services.worker.idle();
      expect(
        (await h.services.store.getRequest(qaRequest.body.id))?.status,
      ).toBe('ready');
      expect(namespaceOn(qa.peer, qaRequest.body.namespace)).toBeDefined();
      expect(namespaceOn(dev.peer, qaRequest.body.namespace)).toBeUndefined();

      // Tiers are bound to their clusters.
      const wrongTier = await requestNamespace(h, 'qa', 'dev');
      expect(wrongTier.status).toBe(400);
      expect(wrongTier.body.error.message).toBe(
        'Tier dev is not offered on cluster qa',
      );
      const noToken = await requestNamespace(h, 'viewer-only', 'dev');
      expect(noToken.status).toBe(400);
      expect(noToken.body.error.message).toBe(
        'Cluster viewer-only is not set up for namespace requests',
      );
    },
  );

  it('forgets a catalog cluster that disappears, and leaves its namespaces alone', async () => {
    const h = await harness('SQLITE_3');
    const qaRequest = await requestNamespace(h, 'qa', 'qa');
    await request(h.app)
      .post(`/requests/${qaRequest.body.id}/approve`)
      .set('authorization', as('carol'))
      .send({ comment: 'ok' });
    await h.services.worker.idle();
    expect(namespaceOn(qa.peer, qaRequest.body.namespace)).toBeDefined();

    h.setEntities([]);
    await h.directory.refresh();
    const clusters = await request(h.app)
      .get('/clusters')
      .set('authorization', as('alice'));
    expect(clusters.body.items.map((c: { name: string }) => c.name)).toEqual([
      'dev',
      'viewer-only',
    ]);
    const refused = await requestNamespace(h, 'qa', 'qa');
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('Unknown cluster qa');
    // Nothing is deleted: the namespace and its request stay.
    expect(namespaceOn(qa.peer, qaRequest.body.namespace)).toBeDefined();
    expect((await h.services.store.getRequest(qaRequest.body.id))?.status).toBe(
      'ready',
    );
  });

  it('never sends the token to a server that an edited entity points at, even with its own CA', async () => {
    // Someone who can edit catalog entities runs an API server of their own,
    // with a valid certificate from their own CA, and points qa at it.
    const ca = await createCertificateAuthority({ commonName: 'attacker' });
    const leaf = await issueLeafCertificate({
      ca,
      commonName: '127.0.0.1',
      usage: 'server',
      ipAddresses: ['127.0.0.1'],
    });
    const seen: string[] = [];
    const evil = https.createServer(
      { cert: leaf.certificatePem, key: leaf.privateKeyPem },
      (req, res) => {
        seen.push(String(req.headers.authorization));
        res.writeHead(404).end();
      },
    );
    await new Promise<void>(resolve => evil.listen(0, '127.0.0.1', resolve));
    const { port } = evil.address() as AddressInfo;
    try {
      const h = await harness('SQLITE_3');
      const forged = clusterEntity('qa', qa.peer, `https://127.0.0.1:${port}`);
      forged.metadata.annotations![
        'kubernetes.io/api-server-certificate-authority'
      ] = b64(ca.certificatePem);
      h.setEntities([forged]);
      await h.directory.refresh();
      expect(h.directory.get('qa')?.url).toBe(`https://127.0.0.1:${port}`);

      // The request is checked against the cluster at once: TLS fails on
      // the CA of config before any HTTP request, and so the token, is sent.
      const refused = await requestNamespace(h, 'qa', 'qa');
      expect(refused.status).toBe(503);
      // A sentence for the requester; the address and TLS error are logged.
      expect(refused.body.error.message).toBe(
        `Cluster qa could not be reached to check that payments-multi${counter}-qa is free; try again later`,
      );
      expect(seen).toEqual([]);
    } finally {
      await new Promise(resolve => evil.close(resolve));
    }
  });
});
