import { ClusterAccessClient } from './client';
import {
  backstageError,
  json,
  startFakeBackend,
} from './__testUtils__/fakeBackend';

// The first call loads the common package (the generated client), which
// jest compiles on first use.
jest.setTimeout(30_000);

type Backend = Awaited<ReturnType<typeof startFakeBackend>>;
let backend: Backend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

const identity = {
  username: 'alice',
  groups: ['payments'],
  defaultTtlSeconds: 3600,
  maxTtlSeconds: 7200,
};

function client(url: string) {
  return new ClusterAccessClient({ backendUrl: url, token: 'secret-token' });
}

describe('ClusterAccessClient', () => {
  it('sends the token as a bearer token and the CSR as JSON', async () => {
    const issued = {
      certificate: 'CERT',
      caChain: [],
      serialNumber: '01',
      expiresAt: '2026-01-01T00:00:00Z',
      username: 'alice',
      groups: ['payments'],
      clusters: [{ name: 'dev', server: 'https://dev:6443' }],
      warnings: [],
    };
    backend = await startFakeBackend({
      'GET /identity': (_r, res) => json(res, 200, identity),
      'POST /certificates': (_r, res) => json(res, 201, issued),
    });
    const c = client(backend.url);
    expect(await c.getIdentity()).toEqual(identity);
    expect(await c.issueCertificate({ csr: 'CSR', ttlSeconds: 600 })).toEqual(
      issued,
    );
    expect(backend.seen.map(r => [r.method, r.path, r.authorization])).toEqual([
      ['GET', '/identity', 'Bearer secret-token'],
      ['POST', '/certificates', 'Bearer secret-token'],
    ]);
    expect(JSON.parse(backend.seen[1].body)).toEqual({
      csr: 'CSR',
      ttlSeconds: 600,
    });
  });

  it.each([
    [
      401,
      'AuthenticationError',
      'Missing credentials',
      /did not accept your sign-in \(401\) \(Missing credentials\)\. Sign in again with: backstage-cli auth login --backend-url http:\/\/127\.0\.0\.1:\d+$/,
    ],
    [
      403,
      'NotAllowedError',
      'You are not allowed to cluster-access.certificate.create',
      /^You are not allowed to get cluster access from http:\/\/127\.0\.0\.1:\d+ \(403\)/,
    ],
    [
      503,
      'ServiceUnavailableError',
      'Vault is sealed',
      /^Vault is unavailable, so no certificate can be issued right now \(503\) \(Vault is sealed\)\. Try again in a few minutes\.$/,
    ],
    [
      502,
      'ForwardedError',
      'Vault refused to sign',
      /^Vault refused to sign the certificate \(502\)/,
    ],
    [
      400,
      'InputError',
      'Invalid request body: csr: Too small',
      /^Backstage refused the request: Invalid request body: csr: Too small$/,
    ],
  ])('says what a %d means', async (status, name, message, expected) => {
    backend = await startFakeBackend({
      'GET /identity': (_r, res) => backstageError(res, status, name, message),
    });
    await expect(client(backend.url).getIdentity()).rejects.toThrow(expected);
  });

  it('says when the URL is not the backend', async () => {
    backend = await startFakeBackend({
      'GET /identity': (_r, res) => {
        // What the app's dev server answers for any path.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><html></html>');
      },
    });
    await expect(client(backend.url).getIdentity()).rejects.toThrow(
      /did not answer like the Cluster Access API \(no JSON\): is --backend-url the Backstage backend/,
    );
    await expect(
      client(`${backend.url}/nothing-here`).getIdentity(),
    ).rejects.toThrow(/has no Cluster Access API \(404\)/);
  });

  it('says when the backend cannot be reached', async () => {
    backend = await startFakeBackend({});
    const { url } = backend;
    await backend.close();
    backend = undefined;
    await expect(client(url).getIdentity()).rejects.toThrow(
      `Could not reach Backstage at ${url}: ECONNREFUSED`,
    );
  });

  it('does not follow redirects, which could carry the token elsewhere', async () => {
    backend = await startFakeBackend({
      'GET /identity': (_r, res) => {
        res.writeHead(302, { location: 'https://elsewhere.example.com/' });
        res.end();
      },
    });
    await expect(client(backend.url).getIdentity()).rejects.toThrow(
      /Could not reach Backstage at .*: .*redirect/,
    );
  });
});
