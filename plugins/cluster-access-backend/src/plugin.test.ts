import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { clusterAccessPlugin } from './plugin';

// Each router compiles the spec's validators on its first request.
jest.setTimeout(30_000);

describe('clusterAccessPlugin', () => {
  it('serves health unauthenticated and history only to users', async () => {
    const { server } = await startTestBackend({
      features: [
        clusterAccessPlugin,
        // Requests without a token are anonymous, as in production.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });

    const health = await request(server).get('/api/cluster-access/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });

    const anonymous = await request(server).get('/api/cluster-access/history');
    expect(anonymous.status).toBe(401);

    const service = await request(server)
      .get('/api/cluster-access/history')
      .set('authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);

    const history = await request(server)
      .get('/api/cluster-access/history')
      .set('authorization', mockCredentials.user.header());
    expect(history.status).toBe(200);
    expect(history.body).toEqual({ items: [], pageInfo: {} });

    const bad = await request(server)
      .get('/api/cluster-access/history?limit=abc')
      .set('authorization', mockCredentials.user.header());
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/limit/);
  });

  it('starts without Vault config: certificate routes answer 503, history works', async () => {
    const { server } = await startTestBackend({
      features: [
        clusterAccessPlugin,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    const user = mockCredentials.user.header('user:default/alice');
    for (const [method, path] of [
      ['get', '/api/cluster-access/identity'],
      ['post', '/api/cluster-access/certificates'],
      ['get', '/api/cluster-access/certificates'],
      ['post', '/api/cluster-access/certificates/01:02/revoke'],
    ] as const) {
      // A request the spec accepts: what breaks it is a 400 first.
      const res = await request(server)
        [method](path)
        .set('authorization', user)
        .send(path.endsWith('/certificates') ? { csr: 'CSR' } : undefined);
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(
        /Certificate issuance is not configured/,
      );
    }
    const history = await request(server)
      .get('/api/cluster-access/history')
      .set('authorization', user);
    expect(history.status).toBe(200);
  });
});
