import { mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { ClusterAccessClient } from './ClusterAccessClient';

function jsonResponse(status: number, body: unknown, statusText = '') {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' },
  });
}

function setup(response: Response) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => response);
  // What reaches Backstage's fetchApi (a URL and an init, never a used
  // Request: its middleware builds a new Request from it); the assertions
  // read it as the URL, method, content type and body that went out.
  const send = async (url: string, init: RequestInit = {}) => {
    const type = new Headers(init.headers).get('content-type');
    const body = init.body === undefined ? undefined : String(init.body);
    return fetch(url, {
      method: init.method,
      ...(type ? { headers: { 'Content-Type': type } } : {}),
      ...(body !== undefined ? { body } : {}),
    });
  };
  const client = new ClusterAccessClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage:7007' }),
    fetchApi: { fetch: send as unknown as typeof globalThis.fetch },
  });
  return { client, fetch };
}

const base = 'http://backstage:7007/api/cluster-access';

describe('ClusterAccessClient', () => {
  it('reads the identity', async () => {
    const identity = {
      username: 'alice',
      groups: ['payments'],
      defaultTtlSeconds: 28800,
      maxTtlSeconds: 86400,
    };
    const { client, fetch } = setup(jsonResponse(200, identity));
    await expect(client.getIdentity()).resolves.toEqual(identity);
    expect(fetch).toHaveBeenCalledWith(`${base}/identity`, { method: 'GET' });
  });

  it('posts only the CSR and TTL to issue a certificate', async () => {
    const issued = { certificate: 'PEM', serialNumber: '01:02' };
    const { client, fetch } = setup(jsonResponse(201, issued));
    await expect(
      client.issueCertificate({ csr: 'CSR PEM', ttlSeconds: 3600 }),
    ).resolves.toEqual(issued);
    expect(fetch).toHaveBeenCalledWith(`${base}/certificates`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ csr: 'CSR PEM', ttlSeconds: 3600 }),
    });
  });

  it('lists the caller’s certificates', async () => {
    const items = [{ serialNumber: '01:02', username: 'alice' }];
    const { client, fetch } = setup(jsonResponse(200, { items }));
    await expect(client.listCertificates()).resolves.toEqual(items);
    expect(fetch).toHaveBeenCalledWith(`${base}/certificates`, {
      method: 'GET',
    });
  });

  it('revokes by serial number, encoded into the path', async () => {
    const record = { serialNumber: '1a:2b', revokedAt: '2026-01-01T00:00:00Z' };
    const { client, fetch } = setup(jsonResponse(200, record));
    await expect(
      client.revokeCertificate({ serialNumber: '1a:2b' }),
    ).resolves.toEqual(record);
    expect(fetch).toHaveBeenCalledWith(`${base}/certificates/1a%3A2b/revoke`, {
      method: 'POST',
    });
  });

  it('reads the history of one request', async () => {
    const items = [{ id: 'e1', type: 'request.created' }];
    const { client, fetch } = setup(jsonResponse(200, { items, pageInfo: {} }));
    await expect(
      client.listHistory({ request: 'r1', limit: 50 }),
    ).resolves.toEqual(items);
    expect(fetch).toHaveBeenCalledWith(`${base}/history?request=r1&limit=50`, {
      method: 'GET',
    });
  });

  it('lists tiers and clusters from their items', async () => {
    const tiers = [{ name: 'dev', approval: 'none' }];
    const first = setup(jsonResponse(200, { items: tiers }));
    await expect(first.client.listTiers()).resolves.toEqual(tiers);
    expect(first.fetch).toHaveBeenCalledWith(`${base}/tiers`, {
      method: 'GET',
    });

    const clusters = [{ name: 'sandbox', provisioning: true, tiers: ['dev'] }];
    const second = setup(jsonResponse(200, { items: clusters }));
    await expect(second.client.listClusters()).resolves.toEqual(clusters);
    expect(second.fetch).toHaveBeenCalledWith(`${base}/clusters`, {
      method: 'GET',
    });
  });

  it('posts exactly the request input to create a namespace request', async () => {
    const created = { id: 'r1', status: 'pending' };
    const { client, fetch } = setup(jsonResponse(201, created));
    const input = {
      cluster: 'sandbox',
      namespace: 'payments-api-qa',
      owner: 'group:default/payments',
      tier: 'qa',
      reason: 'integration tests',
    };
    // A caller may hold a wider object (e.g. a previous request); the backend
    // refuses unknown fields, so only the input's fields are sent.
    await expect(
      client.createRequest({ ...input, id: 'old' } as typeof input),
    ).resolves.toEqual(created);
    expect(fetch).toHaveBeenCalledWith(`${base}/requests`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
  });

  it('lists requests with comma-separated statuses and mine=true', async () => {
    const { client, fetch } = setup(jsonResponse(200, { items: [] }));
    await expect(
      client.listRequests({
        status: ['pending', 'approved'],
        owner: 'group:default/payments',
        mine: true,
      }),
    ).resolves.toEqual([]);
    const [url] = fetch.mock.calls[0];
    const parsed = new URL(url);
    expect(parsed.pathname).toBe('/api/cluster-access/requests');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      status: 'pending,approved',
      owner: 'group:default/payments',
      mine: 'true',
    });
  });

  it('lists every request without a query string when no filter is given', async () => {
    const { client, fetch } = setup(jsonResponse(200, { items: [] }));
    await client.listRequests();
    expect(fetch).toHaveBeenCalledWith(`${base}/requests`, { method: 'GET' });
  });

  it('reads one request by id', async () => {
    const request = { id: 'a1b2', status: 'ready' };
    const { client, fetch } = setup(jsonResponse(200, request));
    await expect(client.getRequest({ id: 'a1b2' })).resolves.toEqual(request);
    expect(fetch).toHaveBeenCalledWith(`${base}/requests/a1b2`, {
      method: 'GET',
    });
  });

  it('approves with the comment, and with an empty body without one', async () => {
    const approved = { id: 'r1', status: 'approved' };
    const first = setup(jsonResponse(200, approved));
    await expect(
      first.client.approveRequest({ id: 'r1', comment: ' looks fine ' }),
    ).resolves.toEqual(approved);
    expect(first.fetch).toHaveBeenCalledWith(`${base}/requests/r1/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ comment: 'looks fine' }),
    });

    // The backend refuses an empty comment, so a blank one is not sent.
    const second = setup(jsonResponse(200, approved));
    await second.client.approveRequest({ id: 'r1', comment: '  ' });
    expect(second.fetch).toHaveBeenCalledWith(`${base}/requests/r1/approve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
  });

  it('rejects with the comment', async () => {
    const rejected = { id: 'r1', status: 'rejected' };
    const { client, fetch } = setup(jsonResponse(200, rejected));
    await expect(
      client.rejectRequest({ id: 'r1', comment: 'use the dev tier' }),
    ).resolves.toEqual(rejected);
    expect(fetch).toHaveBeenCalledWith(`${base}/requests/r1/reject`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ comment: 'use the dev tier' }),
    });
  });

  it('lists namespaces with owner, cluster and user filters', async () => {
    const items = [{ cluster: 'sandbox', name: 'payments-api-dev' }];
    const { client, fetch } = setup(jsonResponse(200, { items }));
    await expect(
      client.listNamespaces({ user: 'user:default/alice', cluster: 'sandbox' }),
    ).resolves.toEqual(items);
    const parsed = new URL(fetch.mock.calls[0][0]);
    expect(parsed.pathname).toBe('/api/cluster-access/namespaces');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      user: 'user:default/alice',
      cluster: 'sandbox',
    });
  });

  it('reads the access view with its filters, leaving out flagged=false', async () => {
    const items = [{ cluster: 'sandbox', namespace: 'payments-api-dev' }];
    const { client, fetch } = setup(jsonResponse(200, { items }));
    await expect(
      client.listAccess({ owner: 'group:default/payments', flagged: true }),
    ).resolves.toEqual(items);
    const other = setup(jsonResponse(200, { items: [] }));
    await other.client.listAccess({
      namespace: 'payments-api-dev',
      flagged: false,
    });
    const [first, second] = [
      ...fetch.mock.calls,
      ...other.fetch.mock.calls,
    ].map(([url]) => new URL(url));
    expect(first.pathname).toBe('/api/cluster-access/access');
    expect(Object.fromEntries(first.searchParams)).toEqual({
      owner: 'group:default/payments',
      flagged: 'true',
    });
    expect(Object.fromEntries(second.searchParams)).toEqual({
      namespace: 'payments-api-dev',
    });
  });

  it('adds a member with a POST of the user', async () => {
    const member = {
      user: 'user:default/bob',
      username: 'bob',
      applied: true,
    };
    const { client, fetch } = setup(jsonResponse(201, member));
    await expect(
      client.addMember({
        cluster: 'sandbox',
        name: 'payments-api-dev',
        user: 'user:default/bob',
      }),
    ).resolves.toEqual(member);
    expect(fetch).toHaveBeenCalledWith(
      `${base}/namespaces/sandbox/payments-api-dev/members`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: 'user:default/bob' }),
      },
    );
  });

  it('removes a member with the entity ref encoded as one path segment', async () => {
    const { client, fetch } = setup(jsonResponse(200, { applied: false }));
    await expect(
      client.removeMember({
        cluster: 'sandbox',
        name: 'payments-api-dev',
        user: 'user:default/bob',
      }),
    ).resolves.toEqual({ applied: false });
    expect(fetch).toHaveBeenCalledWith(
      `${base}/namespaces/sandbox/payments-api-dev/members/user%3Adefault%2Fbob`,
      { method: 'DELETE' },
    );
  });

  it('files a decommission request with a DELETE and the reason', async () => {
    const request = { id: 'd1', kind: 'decommission', status: 'pending' };
    const { client, fetch } = setup(jsonResponse(202, request));
    await expect(
      client.decommissionNamespace({
        cluster: 'sandbox',
        name: 'payments-api-dev',
        reason: 'project ended',
      }),
    ).resolves.toEqual(request);
    expect(fetch).toHaveBeenCalledWith(
      `${base}/namespaces/sandbox/payments-api-dev`,
      {
        method: 'DELETE',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: 'project ended' }),
      },
    );
  });

  it('throws a 409 from request creation as a ResponseError with the backend’s message', async () => {
    const { client } = setup(
      jsonResponse(
        409,
        {
          error: {
            name: 'ConflictError',
            message: 'Namespace payments-api-dev is already requested',
          },
          request: { method: 'POST', url: '/api/cluster-access/requests' },
          response: { statusCode: 409 },
        },
        'Conflict',
      ),
    );
    const error = await client
      .createRequest({
        cluster: 'sandbox',
        namespace: 'payments-api-dev',
        owner: 'group:default/payments',
        tier: 'dev',
        reason: 'x',
      })
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      'Namespace payments-api-dev is already requested',
    );
  });

  it('throws the backend’s error as a ResponseError', async () => {
    const { client } = setup(
      jsonResponse(
        503,
        {
          error: {
            name: 'ServiceUnavailableError',
            message: 'Vault is sealed',
          },
          request: { method: 'POST', url: '/api/cluster-access/certificates' },
          response: { statusCode: 503 },
        },
        'Service Unavailable',
      ),
    );
    const error = await client
      .issueCertificate({ csr: 'CSR PEM' })
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(503);
    expect(error.cause).toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'Vault is sealed',
    });
  });
});
