import { mockCredentials } from '@backstage/backend-test-utils';
import { KubePeer } from '@cluster-access/sandbox';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  createHarness,
  Harness,
  startPeer,
} from '../namespaces/__testUtils__/harness';

jest.setTimeout(60_000);

type Schema = Record<string, any>;
const spec = parse(readFileSync(join(__dirname, 'openapi.yaml'), 'utf8'));

function resolve(schema: Schema): Schema {
  if (schema.$ref) {
    const path = (schema.$ref as string).replace(/^#\//, '').split('/');
    return resolve(path.reduce((node: any, key) => node[key], spec));
  }
  return schema;
}

/** The subset of JSON Schema the spec uses; returns the problems found. */
function validate(value: unknown, raw: Schema, at = '$'): string[] {
  const schema = resolve(raw);
  if (schema.enum && !schema.enum.includes(value)) {
    return [`${at}: ${JSON.stringify(value)} not in ${schema.enum}`];
  }
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: not a string`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((v, i) => validate(v, schema.items, `${at}[${i}]`))
        : [`${at}: not an array`];
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return [`${at}: not an object`];
      }
      const obj = value as Record<string, unknown>;
      const problems = (schema.required ?? [])
        .filter((k: string) => !(k in obj))
        .map((k: string) => `${at}.${k}: missing`);
      for (const [k, v] of Object.entries(obj)) {
        const property = schema.properties?.[k];
        if (property) {
          problems.push(...validate(v, property, `${at}.${k}`));
        } else if (typeof schema.additionalProperties === 'object') {
          problems.push(
            ...validate(v, schema.additionalProperties, `${at}.${k}`),
          );
        } else if (schema.properties) {
          problems.push(`${at}.${k}: not in the spec`);
        }
      }
      return problems;
    }
    default:
      return [];
  }
}

describe('openapi.yaml', () => {
  const databases = createTestDatabases();
  let peer: KubePeer;
  let token: string;
  let h: Harness;
  const checked = new Set<string>();

  beforeAll(async () => {
    ({ peer, token } = await startPeer());
    h = await createHarness({
      knex: await databases.init('SQLITE_3'),
      peer,
      token,
      policy: {
        allowed: user => user !== 'user:default/mallory',
        approve: user => (user === 'user:default/carol' ? 'allow' : 'deny'),
      },
    });
  });
  afterAll(() => peer.close());

  /** Sends a request and checks the answer against the documented response. */
  async function call(
    method: 'get' | 'post' | 'delete',
    path: string,
    template: string,
    options: { user?: string; body?: object } = {},
  ) {
    let req = request(h.app)[method](path);
    if (options.user !== '') {
      req = req.set(
        'authorization',
        mockCredentials.user.header(`user:default/${options.user ?? 'alice'}`),
      );
    }
    const res = options.body ? await req.send(options.body) : await req;
    const operation = spec.paths[template]?.[method];
    expect({ template, method, documented: Boolean(operation) }).toEqual({
      template,
      method,
      documented: true,
    });
    const response = operation.responses[String(res.status)];
    expect({
      template,
      method,
      status: res.status,
      documented: Boolean(response),
    }).toEqual({ template, method, status: res.status, documented: true });
    const schema = resolve(response).content?.['application/json']?.schema;
    expect({
      template,
      method,
      status: res.status,
      problems: validate(res.body, schema),
    }).toEqual({ template, method, status: res.status, problems: [] });
    checked.add(`${method} ${template}`);
    return res;
  }

  it('describes every route of the namespace router', () => {
    const stack = (h.app as any)._router.stack
      .flatMap((layer: any) => layer.handle?.stack ?? [])
      .filter((layer: any) => layer.route);
    const routes = stack.flatMap((layer: any) =>
      Object.keys(layer.route.methods).map(
        (m: string) => `${m} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
      ),
    );
    const documented = Object.entries(spec.paths).flatMap(([p, ops]: any) =>
      Object.keys(ops)
        .filter(k => k !== 'parameters')
        .map(m => `${m} ${p}`),
    );
    expect(routes.sort()).toEqual(documented.sort());
  });

  it('matches what the routes answer, on success and refusal', async () => {
    await call('get', '/tiers', '/tiers');
    await call('get', '/tiers', '/tiers', { user: '' });
    await call('get', '/clusters', '/clusters');
    const body = {
      cluster: 'sandbox',
      namespace: 'payments-spec-dev',
      owner: 'group:default/payments',
      tier: 'dev',
      reason: 'spec',
    };
    const created = await call('post', '/requests', '/requests', { body });
    expect(created.status).toBe(201);
    await call('post', '/requests', '/requests', { body });
    await call('post', '/requests', '/requests', {
      body: { ...body, namespace: 'X' },
    });
    await call('post', '/requests', '/requests', { body, user: 'dave' });
    await h.services.worker.idle();
    const qa = await call('post', '/requests', '/requests', {
      body: { ...body, namespace: 'payments-spec-qa', tier: 'qa' },
    });
    await call('get', '/requests?status=pending', '/requests');
    await call('get', `/requests/${created.body.id}`, '/requests/{id}');
    await call(
      'get',
      '/requests/6f1c3c50-0000-4000-8000-000000000009',
      '/requests/{id}',
    );
    await call(
      'post',
      `/requests/${qa.body.id}/approve`,
      '/requests/{id}/approve',
      {
        user: 'alice',
      },
    );
    await call(
      'post',
      `/requests/${qa.body.id}/reject`,
      '/requests/{id}/reject',
      {
        user: 'carol',
        body: {},
      },
    );
    await call(
      'post',
      `/requests/${qa.body.id}/approve`,
      '/requests/{id}/approve',
      {
        user: 'carol',
        body: { comment: 'ok' },
      },
    );
    await call(
      'post',
      `/requests/${qa.body.id}/reject`,
      '/requests/{id}/reject',
      {
        user: 'carol',
        body: { comment: 'late' },
      },
    );
    await h.services.worker.idle();
    const listed = await call('get', '/namespaces', '/namespaces');
    expect(listed.body.items.length).toBeGreaterThan(0);
    const members = '/namespaces/{cluster}/{name}/members';
    await call(
      'post',
      '/namespaces/sandbox/payments-spec-dev/members',
      members,
      {
        body: { user: 'user:default/erin' },
      },
    );
    await call(
      'post',
      '/namespaces/sandbox/payments-spec-dev/members',
      members,
      {
        body: { user: 'user:default/erin' },
      },
    );
    await call(
      'delete',
      `/namespaces/sandbox/payments-spec-dev/members/${encodeURIComponent(
        'user:default/erin',
      )}`,
      `${members}/{user}`,
    );
    await call(
      'delete',
      '/namespaces/sandbox/payments-spec-dev/members/user:default:nobody',
      `${members}/{user}`,
    );
    await call(
      'delete',
      '/namespaces/sandbox/payments-spec-dev',
      '/namespaces/{cluster}/{name}',
      {
        body: { reason: 'done' },
      },
    );
    await call(
      'delete',
      '/namespaces/sandbox/payments-spec-dev',
      '/namespaces/{cluster}/{name}',
      {
        user: 'mallory',
      },
    );
    // Every documented operation was exercised.
    const operations = Object.values(spec.paths).flatMap((ops: any) =>
      Object.keys(ops).filter(k => k !== 'parameters'),
    );
    expect(checked.size).toBe(operations.length);
  });
});
