import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { decodeJwt } from 'jose';
import sampleUsersAuth from './sampleUsersAuth';

const users = [{ name: 'alice' }, { name: 'carol' }];

async function startAuth(options: {
  nodeEnv: string;
  dangerouslyAllowOutsideDevelopment?: boolean;
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
