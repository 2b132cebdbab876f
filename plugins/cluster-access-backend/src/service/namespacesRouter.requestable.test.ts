import { mockCredentials } from '@backstage/backend-test-utils';
import { KubePeer } from '@cluster-access/sandbox';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  createHarness,
  Harness,
  peerConfig,
  startPeer,
  TestPolicy,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

// prod only for platform; every other tier for anyone the policy allows.
const PROD_ONLY_FOR_PLATFORM: TestPolicy = {
  allowed: user => user !== 'user:default/mallory',
  approve: () => 'deny',
  conditions: (_user, permission) =>
    permission === 'cluster-access.request.create'
      ? {
          anyOf: [
            {
              not: {
                rule: 'IS_TIER',
                resourceType: 'cluster-access-request',
                params: { tiers: ['prod'] },
              },
            },
            {
              rule: 'HAS_OWNER',
              resourceType: 'cluster-access-request',
              params: { owners: ['group:default/platform'] },
            },
          ],
        }
      : undefined,
};

// The decision is evaluated in the router: one database is enough.
describe('GET /tiers: where the caller may request a namespace', () => {
  const databases = createTestDatabases();
  let peer: KubePeer;
  let token: string;
  let h: Harness;

  beforeAll(async () => {
    ({ peer, token } = await startPeer());
    h = await createHarness({
      knex: await databases.init('SQLITE_3'),
      peer,
      token,
      policy: PROD_ONLY_FOR_PLATFORM,
      config: peerConfig(peer, token, {
        tiers: [
          { name: 'dev', approval: 'none' },
          { name: 'prod', approval: 'required' },
        ],
      }),
    });
  });
  afterAll(() => peer.close());

  async function requestable(user: string) {
    const res = await request(h.app)
      .get('/tiers')
      .set('authorization', as(user));
    expect(res.status).toBe(200);
    return Object.fromEntries(
      res.body.items.map((t: any) => [
        t.name,
        t.requestable.map((r: any) => [r.cluster, [...r.owners].sort()]),
      ]),
    );
  }

  it('offers prod only to platform members, and only for platform', async () => {
    expect(await requestable('alice')).toEqual({
      dev: [['sandbox', ['group:default/payments']]],
      prod: [],
    });
    expect(await requestable('carol')).toEqual({
      dev: [
        [
          'sandbox',
          ['group:default/cluster-approvers', 'group:default/platform'],
        ],
      ],
      prod: [['sandbox', ['group:default/platform']]],
    });
  });

  it('offers nothing to a user the policy denies, or who is in no Group', async () => {
    expect(await requestable('mallory')).toEqual({ dev: [], prod: [] });
    expect(await requestable('frank')).toEqual({ dev: [], prod: [] });
  });

  it('agrees with what filing allows', async () => {
    const file = (user: string, owner: string) =>
      request(h.app)
        .post('/requests')
        .set('authorization', as(user))
        .send({
          cluster: 'sandbox',
          tier: 'prod',
          owner,
          namespace: `${owner.split('/')[1]}-tools-prod`,
          reason: 'the release',
        });
    expect((await file('alice', 'group:default/payments')).status).toBe(403);
    expect(
      (await file('carol', 'group:default/cluster-approvers')).status,
    ).toBe(403);
    const allowed = await file('carol', 'group:default/platform');
    expect(allowed.status).toBe(201);
    expect(allowed.body).toMatchObject({ status: 'pending', tier: 'prod' });
  });
});
