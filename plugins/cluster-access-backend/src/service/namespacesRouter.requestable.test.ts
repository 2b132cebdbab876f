import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  asUser,
  fileRequest,
  Harness,
  onlyPlatformMayRequest,
  peerConfig,
  sharedPeer,
} from '../__testUtils__/harness';

jest.setTimeout(120_000);

// The decision is evaluated in the router: one database is enough.
describe('GET /tiers: where the caller may request a namespace', () => {
  const databases = createTestDatabases();
  const kube = sharedPeer();
  let h: Harness;

  beforeAll(async () => {
    h = await kube.harness(await databases.init('SQLITE_3'), {
      policy: onlyPlatformMayRequest('prod'),
      config: peerConfig(kube.peer, kube.token, {
        tiers: [
          { name: 'dev', approval: 'none' },
          { name: 'prod', approval: 'required' },
        ],
      }),
    });
  });

  async function requestable(user: string) {
    const res = await request(h.app)
      .get('/tiers')
      .set('authorization', asUser(user));
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
      fileRequest(
        h,
        {
          cluster: 'sandbox',
          tier: 'prod',
          owner,
          namespace: `${owner.split('/')[1]}-tools-prod`,
          reason: 'the release',
        },
        user,
      );
    expect((await file('alice', 'group:default/payments')).status).toBe(403);
    expect(
      (await file('carol', 'group:default/cluster-approvers')).status,
    ).toBe(403);
    const allowed = await file('carol', 'group:default/platform');
    expect(allowed.status).toBe(201);
    expect(allowed.body).toMatchObject({ status: 'pending', tier: 'prod' });
  });
});
