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
  const client = new ClusterAccessClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage:7007' }),
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
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
