import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NotificationSendOptions,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import { KubePeer } from '@cluster-access/sandbox';
import request from 'supertest';
import {
  eventually,
  ORG,
  orgEntities,
  peerConfig,
  startPeer,
  userInfoServiceFactory,
} from './__testUtils__/harness';
import { clusterAccessPlugin } from './plugin';

jest.setTimeout(60_000);

const userInfoFactory = userInfoServiceFactory();

const TIERS = [
  { name: 'dev', approval: 'none' },
  {
    name: 'qa',
    approval: 'required',
    approvers: ['group:default/cluster-approvers', 'user:default/erin'],
  },
];

/** A backend with notifications and signals replaced by recorders. */
async function start(
  peer: KubePeer,
  token: string,
  options: { failNotifications?: boolean } = {},
) {
  const sent: NotificationSendOptions[] = [];
  const signals: SignalPayload[] = [];
  const { server } = await startTestBackend({
    features: [
      clusterAccessPlugin,
      mockServices.rootConfig.factory({
        data: peerConfig(peer, token, { tiers: TIERS }),
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities: orgEntities(ORG) }),
      userInfoFactory,
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          async send(n: NotificationSendOptions) {
            if (options.failNotifications) {
              throw new Error('notifications backend is not installed');
            }
            sent.push(n);
          },
        }),
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          async publish(s: SignalPayload<any>) {
            signals.push(s);
          },
        }),
      }),
    ],
  });
  return { server, sent, signals };
}

const alice = mockCredentials.user.header('user:default/alice');
const carol = mockCredentials.user.header('user:default/carol');

function fileQa(server: any, namespace: string) {
  return request(server)
    .post('/api/cluster-access/requests')
    .set('authorization', alice)
    .send({
      cluster: 'sandbox',
      namespace,
      owner: 'group:default/payments',
      tier: 'qa',
      reason: 'release test',
    });
}

describe('notifications and signals', () => {
  let peer: KubePeer;
  let token: string;

  beforeAll(async () => {
    ({ peer, token } = await startPeer());
  });
  afterAll(() => peer.close());

  it('tells the approvers, then the requester, never the actor, and signals only public fields', async () => {
    const { server, sent, signals } = await start(peer, token);
    const created = await fileQa(server, 'payments-notify-qa');
    expect(created.status).toBe(201);
    const id = created.body.id;

    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['group:default/cluster-approvers', 'user:default/erin'],
          excludeEntityRef: ['user:default/alice'],
        },
        payload: expect.objectContaining({
          title: 'alice asks for namespace payments-notify-qa (qa)',
          link: `/cluster-access/requests?request=${id}`,
          scope: `cluster-access:request:${id}:decide`,
        }),
      },
    ]);

    const approved = await request(server)
      .post(`/api/cluster-access/requests/${id}/approve`)
      .set('authorization', carol)
      .send({ comment: 'OK for the release test' });
    expect(approved.status).toBe(200);
    await eventually('the ready notification', () =>
      sent.some(
        n => n.payload.title === 'Namespace payments-notify-qa is ready',
      ),
    );
    const toAlice = sent.slice(1);
    expect(toAlice.map(n => n.payload.title)).toEqual([
      'carol approved namespace payments-notify-qa',
      'Namespace payments-notify-qa is ready',
    ]);
    expect(toAlice[0]).toMatchObject({
      recipients: {
        entityRef: ['user:default/alice'],
        excludeEntityRef: ['user:default/carol'],
      },
      payload: {
        description: expect.stringContaining('"OK for the release test"'),
      },
    });

    // Every history event is signalled to everyone, with only the event
    // type and the request's id, cluster and namespace.
    expect(signals.map(s => s.message.type)).toEqual(
      expect.arrayContaining([
        'request.created',
        'request.approved',
        'provisioning.ready',
      ]),
    );
    for (const s of signals) {
      expect(s.recipients).toEqual({ type: 'broadcast' });
      expect(s.channel).toBe('cluster-access');
      expect(Object.keys(s.message).sort()).toEqual(
        ['cluster', 'namespace', 'requestId', 'type'].sort(),
      );
      expect(JSON.stringify(s.message)).not.toMatch(/alice|carol|release/);
    }
  });

  it('lets the requester alone withdraw a pending request, and lists decisions by decider', async () => {
    const { server, sent } = await start(peer, token);
    const created = await fileQa(server, 'payments-withdraw-qa');
    const id = created.body.id;

    const byCarol = await request(server)
      .post(`/api/cluster-access/requests/${id}/withdraw`)
      .set('authorization', carol)
      .send({});
    expect(byCarol.status).toBe(403);
    expect(byCarol.body.error.message).toBe(
      'Only the requester can withdraw a request',
    );

    const withdrawn = await request(server)
      .post(`/api/cluster-access/requests/${id}/withdraw`)
      .set('authorization', alice)
      .send({ comment: 'not needed after all' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');

    const again = await request(server)
      .post(`/api/cluster-access/requests/${id}/withdraw`)
      .set('authorization', alice)
      .send({});
    expect(again.status).toBe(409);
    const approve = await request(server)
      .post(`/api/cluster-access/requests/${id}/approve`)
      .set('authorization', carol)
      .send({});
    expect(approve.status).toBe(409);

    const history = await request(server)
      .get(`/api/cluster-access/history?request=${id}`)
      .set('authorization', alice);
    expect(history.body.items.map((e: any) => e.type)).toContain(
      'request.withdrawn',
    );
    // The name is free again.
    expect((await fileQa(server, 'payments-withdraw-qa')).status).toBe(201);
    // Withdrawing is the requester's own act: only the approvers' notices
    // of the two filings went out.
    expect(sent.map(n => n.payload.title)).toEqual([
      'alice asks for namespace payments-withdraw-qa (qa)',
      'alice asks for namespace payments-withdraw-qa (qa)',
    ]);

    const other = await fileQa(server, 'payments-decided-qa');
    await request(server)
      .post(`/api/cluster-access/requests/${other.body.id}/reject`)
      .set('authorization', carol)
      .send({ comment: 'use dev' });
    const decided = await request(server)
      .get('/api/cluster-access/requests?decidedByMe=true')
      .set('authorization', carol);
    expect(decided.body.items.map((r: any) => r.namespace)).toEqual([
      'payments-decided-qa',
    ]);
    const aliceDecided = await request(server)
      .get('/api/cluster-access/requests?decidedByMe=true')
      .set('authorization', alice);
    expect(aliceDecided.body.items).toEqual([]);
  });

  it('files and decides even when notifications cannot be sent', async () => {
    const { server } = await start(peer, token, { failNotifications: true });
    const created = await fileQa(server, 'payments-quiet-qa');
    expect(created.status).toBe(201);
    const approved = await request(server)
      .post(`/api/cluster-access/requests/${created.body.id}/approve`)
      .set('authorization', carol)
      .send({});
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
  });

  it('refuses approvers that are not Group or User refs at startup', async () => {
    await expect(
      startTestBackend({
        features: [
          clusterAccessPlugin,
          mockServices.rootConfig.factory({
            data: peerConfig(peer, token, {
              tiers: [
                {
                  name: 'qa',
                  approval: 'required',
                  approvers: ['component:default/payments-api'],
                },
              ],
            }),
          }),
          catalogServiceMock.factory({ entities: [] }),
        ],
      }),
    ).rejects.toThrow(
      "clusterAccess.tiers[0].approvers[0]: 'component:default/payments-api' must be a Group or User ref",
    );
  });
});
