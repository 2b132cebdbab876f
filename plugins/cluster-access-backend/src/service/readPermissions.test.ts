import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { createHistoryRouter } from './historyRouter';
import { createNamespacesRouter } from './namespacesRouter';

// Each router compiles the spec's validators on its first request.
jest.setTimeout(60_000);

const ID = '6f1c2a9e-8a8e-4a53-9d55-1d2f0c2b7a10';

/** Every read route and the permission it needs. */
const READS: Array<{ permission: string; path: string }> = [
  { permission: 'cluster-access.history.read', path: '/history' },
  { permission: 'cluster-access.history.read', path: `/history?request=${ID}` },
  { permission: 'cluster-access.namespace.read', path: '/requests' },
  { permission: 'cluster-access.namespace.read', path: '/requests?mine=true' },
  { permission: 'cluster-access.namespace.read', path: `/requests/${ID}` },
  {
    permission: 'cluster-access.namespace.read',
    path: `/requests/${ID}/manifests`,
  },
  { permission: 'cluster-access.namespace.read', path: '/namespaces' },
  { permission: 'cluster-access.namespace.read', path: '/access' },
  { permission: 'cluster-access.namespace.read', path: '/access?mine=true' },
];

/**
 * The history and namespace routers over stub services, under a policy that
 * denies the permissions in `denied` (to every user) and allows the rest.
 */
async function appDenying(denied: string[]) {
  const calls: string[] = [];
  const seen = <T>(name: string, value: T) => {
    calls.push(name);
    return value;
  };
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => ({
        result: denied.includes(r.permission.name)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      })) as any,
  });
  const common = {
    httpAuth: mockServices.httpAuth(),
    userInfo: mockServices.userInfo(),
    permissions,
  };
  const history = await createHistoryRouter({
    ...common,
    history: {
      listHistoryPage: async () => seen('history', { items: [] }),
    },
  });
  const namespaces = await createNamespacesRouter({
    ...common,
    auditor: mockServices.auditor.mock(),
    requestRuleset: { getRuleByName: () => undefined } as any,
    requests: {
      listRequests: async () => seen('requests', []),
      getRequest: async () => seen('request', { id: ID, status: 'pending' }),
      getManifests: async () =>
        seen('manifests', { state: 'desired', items: [], yaml: '' }),
    } as any,
    namespaces: { list: async () => seen('namespaces', []) } as any,
    membership: {} as any,
    access: { listAccess: async () => seen('access', []) } as any,
  });
  const app = express().use(history).use(namespaces).use(mockErrorHandler());
  return { app, calls, permissions };
}

describe('read permissions', () => {
  it.each(['cluster-access.history.read', 'cluster-access.namespace.read'])(
    'refuses every read route of %s (403 naming it) and reads nothing',
    async permission => {
      const { app, calls } = await appDenying([permission]);
      for (const read of READS.filter(r => r.permission === permission)) {
        const res = await request(app)
          .get(read.path)
          .set('authorization', mockCredentials.user.header());
        expect({ path: read.path, status: res.status }).toEqual({
          path: read.path,
          status: 403,
        });
        expect(res.body.error).toMatchObject({
          name: 'NotAllowedError',
          message: `You are not allowed to ${permission}`,
        });
      }
      expect(calls).toEqual([]);

      // The other permission's routes still answer.
      for (const read of READS.filter(r => r.permission !== permission)) {
        const res = await request(app)
          .get(read.path)
          .set('authorization', mockCredentials.user.header());
        expect({ path: read.path, status: res.status }).toEqual({
          path: read.path,
          status: 200,
        });
      }
    },
  );

  it('answers every read route when the policy allows, asking for its permission', async () => {
    const { app, calls, permissions } = await appDenying([]);
    for (const read of READS) {
      permissions.authorize.mockClear();
      const res = await request(app)
        .get(read.path)
        .set('authorization', mockCredentials.user.header());
      expect({ path: read.path, status: res.status }).toEqual({
        path: read.path,
        status: 200,
      });
      expect(
        permissions.authorize.mock.calls.flatMap(([requests]) =>
          requests.map(r => r.permission.name),
        ),
      ).toEqual([read.permission]);
    }
    expect(new Set(calls)).toEqual(
      new Set([
        'history',
        'requests',
        'request',
        'manifests',
        'namespaces',
        'access',
      ]),
    );
  });

  it('still refuses callers that are not signed-in users before the policy (401)', async () => {
    const { app, permissions } = await appDenying([]);
    for (const read of READS) {
      const res = await request(app)
        .get(read.path)
        .set('authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    }
    expect(permissions.authorize).not.toHaveBeenCalled();
  });
});
