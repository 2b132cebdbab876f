import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { createNamespacesRouter } from '../service/namespacesRouter';
import { createRouter } from '../service/router';
import { spec } from './openapi/generated/router';

// What the validated router and the generated types cannot say: that every
// documented operation is mounted (and nothing else) and that each router
// really validates. Request checking itself is the validator's
// (express-openapi-validator, through @backstage/backend-openapi-utils); that
// the types the routers answer with are the spec's schemas is contract.ts's.

/** `method path` of every documented operation. */
function documentedOperations(): string[] {
  return Object.entries(spec.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter(key => key !== 'parameters')
      .map(method => `${method} ${path}`),
  );
}

/** `method path` of every route of an express router, in spec notation. */
function routesOf(router: any): string[] {
  const stack: any[] = router._router?.stack ?? router.stack ?? [];
  return stack.flatMap(layer =>
    layer.route
      ? Object.keys(layer.route.methods).map(
          (m: string) => `${m} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
        )
      : routesOf(layer.handle),
  );
}

async function routers() {
  const httpAuth = mockServices.httpAuth({
    defaultCredentials: mockCredentials.none(),
  });
  const common = {
    httpAuth,
    userInfo: mockServices.userInfo.mock(),
    permissions: mockServices.permissions.mock(),
  };
  const main = await createRouter({
    ...common,
    logger: mockServices.logger.mock(),
    auditor: mockServices.auditor.mock(),
    history: { listHistory: async () => [] } as any,
  });
  // Building a router calls none of the services.
  const namespaces = await createNamespacesRouter({
    ...common,
    auditor: mockServices.auditor.mock(),
    requestRuleset: { getRuleByName: () => undefined } as any,
    requests: {} as any,
    namespaces: {} as any,
    membership: {} as any,
    access: {} as any,
  });
  return { main, namespaces };
}

// Each router compiles the spec's validators on its first request.
jest.setTimeout(60_000);

describe('openapi.yaml', () => {
  it('is what the routers mount, operation for operation', async () => {
    const { main, namespaces } = await routers();
    const mounted = [...routesOf(main), ...routesOf(namespaces)]
      // Each validated router also serves the spec itself.
      .filter(route => route !== 'get /openapi.json');
    expect([...new Set(mounted)].sort()).toEqual(documentedOperations().sort());
  });

  it('is checked by every router before a handler runs', async () => {
    const { main, namespaces } = await routers();
    const app = express().use(main).use(namespaces).use(mockErrorHandler());
    const alice = mockCredentials.user.header('user:default/alice');
    const cases: Array<[request.Test, RegExp]> = [
      [request(app).get('/history?limit=0'), /limit must be >= 1/],
      [
        request(app)
          .post('/certificates')
          .send({ csr: 'x', ttlSeconds: 'long' }),
        /ttlSeconds must be integer/,
      ],
      [
        request(app).get('/namespaces?colour=blue'),
        /Unknown query parameter 'colour'/,
      ],
      [
        request(app).post('/requests').send({ cluster: 'c', owner: 'o' }),
        /must have required property 'namespace'/,
      ],
      [
        request(app)
          .post('/requests/6f1c3c50-0000-4000-8000-000000000001/reject')
          .send({ comment: 'no', requester: 'me' }),
        /must NOT have additional properties: requester/,
      ],
    ];
    for (const [req, message] of cases) {
      const res = await req.set('authorization', alice);
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringMatching(message),
      });
    }
  });
});
