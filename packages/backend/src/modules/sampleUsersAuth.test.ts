import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { decodeJwt } from 'jose';
import sampleUsersAuth, { isLoopbackHost } from './sampleUsersAuth';

const users = [{ name: 'alice' }, { name: 'carol' }];

async function startAuth(options: {
  nodeEnv: string;
  dangerouslyAllowOutsideDevelopment?: boolean;
  listen?: unknown;
}) {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = options.nodeEnv;
  try {
    return await startTestBackend({
      features: [
        authPlugin,
        sampleUsersAuth,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'User',
              metadata: { name: 'alice', namespace: 'default' },
              spec: { memberOf: ['payments'] },
              relations: [
                { type: 'memberOf', targetRef: 'group:default/payments' },
              ],
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: {
              baseUrl: 'http://localhost:7007',
              listen: options.listen ?? { host: '127.0.0.1', port: 7007 },
            },
            auth: {
              providers: {
                'sample-users': {
                  users,
                  ...(options.dangerouslyAllowOutsideDevelopment
                    ? { dangerouslyAllowOutsideDevelopment: true }
                    : {}),
                },
              },
            },
          },
        }),
      ],
    });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

describe('sample-users sign-in', () => {
  it('is not registered outside development', async () => {
    const { server } = await startAuth({ nodeEnv: 'production' });
    const res = await request(server)
      .get('/api/auth/sample-users/refresh')
      .set('x-cluster-access-sample-user', 'alice');
    expect(res.status).toBe(404);
  });

  it.each([
    ['every interface (the default host)', { port: 7007 }],
    ['0.0.0.0', { host: '0.0.0.0', port: 7007 }],
    ['::', { host: '::', port: 7007 }],
    ['a LAN address', { host: '10.1.2.3' }],
    ['the port-only string form', ':7007'],
    ['the host:port string form', '0.0.0.0:7007'],
  ])(
    'is not registered when the backend listens on %s, even in development',
    async (_, listen) => {
      const { server } = await startAuth({
        nodeEnv: 'development',
        dangerouslyAllowOutsideDevelopment: true,
        listen,
      });
      const res = await request(server)
        .get('/api/auth/sample-users/refresh')
        .set('x-cluster-access-sample-user', 'alice');
      expect(res.status).toBe(404);
    },
  );

  it('tells loopback hosts from the rest', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      'localhost',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
    ]) {
      expect([host, isLoopbackHost(host)]).toEqual([host, true]);
    }
    for (const host of [
      '',
      '0.0.0.0',
      '::',
      '::ffff:10.0.0.1',
      '10.0.0.1',
      '128.0.0.1',
      '::2',
      '1::1',
      'example.com',
      'localhost.example.com',
    ]) {
      expect([host, isLoopbackHost(host)]).toEqual([host, false]);
    }
  });

  it('refuses users that are not configured sample users', async () => {
    const { server } = await startAuth({ nodeEnv: 'development' });
    const res = await request(server)
      .get('/api/auth/sample-users/refresh')
      .set('x-cluster-access-sample-user', 'mallory');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/not a sample user/);

    const missing = await request(server).get('/api/auth/sample-users/refresh');
    expect(missing.status).toBe(400);
  });

  it('signs a configured user in through the catalog', async () => {
    const { server } = await startAuth({
      nodeEnv: 'test',
      dangerouslyAllowOutsideDevelopment: true,
    });
    const res = await request(server)
      .get('/api/auth/sample-users/refresh')
      .set('x-cluster-access-sample-user', 'alice');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toEqual({
      type: 'user',
      userEntityRef: 'user:default/alice',
      ownershipEntityRefs: ['user:default/alice', 'group:default/payments'],
    });
    expect(decodeJwt(res.body.backstageIdentity.token).sub).toBe(
      'user:default/alice',
    );

    // carol is a configured sample user but not in this catalog.
    const unknown = await request(server)
      .get('/api/auth/sample-users/refresh')
      .set('x-cluster-access-sample-user', 'carol');
    expect(unknown.status).toBe(404);
  });
});
