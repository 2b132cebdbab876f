import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KubePeer } from '@cluster-access/sandbox';
import request from 'supertest';
import {
  ORG,
  orgEntities,
  peerConfig,
  startPeer,
  userInfoServiceFactory,
} from './__testUtils__/harness';
import { clusterAccessPlugin } from './plugin';

jest.setTimeout(60_000);

const userInfoFactory = userInfoServiceFactory();

describe('clusterAccessPlugin namespaces', () => {
  let peer: KubePeer;
  let token: string;

  beforeAll(async () => {
    ({ peer, token } = await startPeer());
  });
  afterAll(() => peer.close());

  it('serves the namespace API, provisions, and registers the request resource type', async () => {
    const { server } = await startTestBackend({
      features: [
        clusterAccessPlugin,
        mockServices.rootConfig.factory({ data: peerConfig(peer, token) }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({ entities: orgEntities(ORG) }),
        userInfoFactory,
      ],
    });
    const alice = mockCredentials.user.header('user:default/alice');

    const tiers = await request(server)
      .get('/api/cluster-access/tiers')
      .set('authorization', alice);
    expect(tiers.body.items.map((t: any) => t.name)).toEqual(['dev', 'qa']);

    const created = await request(server)
      .post('/api/cluster-access/requests')
      .set('authorization', alice)
      .send({
        cluster: 'sandbox',
        namespace: 'payments-plugin-dev',
        owner: 'group:default/payments',
        tier: 'dev',
        reason: 'wired through the whole plugin',
      });
    expect(created.status).toBe(201);

    let status = created.body.status;
    for (let i = 0; i < 100 && status !== 'ready'; i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
      const res = await request(server)
        .get(`/api/cluster-access/requests/${created.body.id}`)
        .set('authorization', alice);
      status = res.body.status;
    }
    expect(status).toBe('ready');
    expect(
      peer.getObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'payments-plugin-dev',
      }),
    ).toBeDefined();

    // Policy authors' conditions are evaluated by the plugin on its requests.
    const metadata = await request(server)
      .get('/api/cluster-access/.well-known/backstage/permissions/metadata')
      .set('authorization', mockCredentials.service.header());
    expect(metadata.status).toBe(200);
    expect(metadata.body.rules.map((r: any) => r.name).sort()).toEqual([
      'HAS_OWNER',
      'IS_CLUSTER',
      'IS_TIER',
    ]);
    const apply = await request(server)
      .post(
        '/api/cluster-access/.well-known/backstage/permissions/apply-conditions',
      )
      .set('authorization', mockCredentials.service.header())
      .send({
        items: [
          {
            id: '1',
            resourceRef: created.body.id,
            resourceType: 'cluster-access-request',
            conditions: {
              rule: 'IS_TIER',
              resourceType: 'cluster-access-request',
              params: { tiers: ['dev'] },
            },
          },
          {
            id: '2',
            resourceRef: created.body.id,
            resourceType: 'cluster-access-request',
            conditions: {
              rule: 'HAS_OWNER',
              resourceType: 'cluster-access-request',
              params: { owners: ['group:default/search'] },
            },
          },
        ],
      });
    expect(apply.status).toBe(200);
    expect(apply.body.items).toEqual([
      { id: '1', result: AuthorizeResult.ALLOW },
      { id: '2', result: AuthorizeResult.DENY },
    ]);
  });
});
