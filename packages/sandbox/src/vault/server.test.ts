import { KeyObject, webcrypto } from 'node:crypto';
import vault from 'node-vault';
import { startVaultPeer, VaultPeer } from './index';
import {
  vaultClient,
  VaultClient,
  vaultFailure,
  x509,
} from './__testUtils__/helpers';

describe('Vault peer HTTP surface and fault switches', () => {
  let peer: VaultPeer;
  let root: VaultClient;
  const lines: string[] = [];

  beforeAll(async () => {
    peer = await startVaultPeer({
      logger: {
        info: m => lines.push(m),
        warn: m => lines.push(m),
        error: m => lines.push(m),
      },
    });
    root = vaultClient(peer.url, peer.rootToken);
    await root.mount({ mount_point: 'pki', type: 'pki' });
    await root.write('pki/roles/a', { key_type: 'any' });
    await root.write('pki/roles/b', { key_type: 'any' });
  });

  afterEach(() => {
    peer.reset();
  });

  afterAll(async () => {
    await peer.close();
  });

  it('answers health and seal status like an unsealed dev server', async () => {
    const health = await root.health();
    expect(health).toMatchObject({
      initialized: true,
      sealed: false,
      standby: false,
      version: '1.15.6',
    });
    expect(health.cluster_id).toEqual(expect.any(String));
    const status = await root.status();
    expect(status).toMatchObject({
      sealed: false,
      t: 1,
      n: 1,
      progress: 0,
      type: 'shamir',
    });
    expect(peer.rootToken).toMatch(/^hvs\./);
  });

  it('answers 503 "Vault is sealed" while sealed, except health and seal-status', async () => {
    peer.seal();
    const health = await fetch(`${peer.url}/v1/sys/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({
      sealed: true,
      initialized: true,
    });
    expect((await root.health()).sealed).toBe(true);
    expect((await root.status()).sealed).toBe(true);
    expect(await vaultFailure(root.tokenLookupSelf())).toEqual({
      status: 503,
      errors: ['Vault is sealed'],
    });
    expect(await vaultFailure(root.read('pki/roles/a'))).toEqual({
      status: 503,
      errors: ['Vault is sealed'],
    });
    peer.unseal();
    expect((await root.tokenLookupSelf()).data.policies).toEqual(['root']);
  });

  it('seals through sys/seal and unseals with the unseal key, as the Vault API does', async () => {
    await root.seal();
    expect((await root.status()).sealed).toBe(true);
    expect(await vaultFailure(root.unseal({ key: 'wrong' }))).toMatchObject({
      status: 400,
    });
    expect((await root.unseal({ key: peer.unsealKey })).sealed).toBe(false);
    expect((await root.tokenLookupSelf()).data.id).toBe(peer.rootToken);
  });

  it('fails the next n requests, optionally only those matching a path', async () => {
    peer.failNext(2, { status: 500 });
    expect(await vaultFailure(root.tokenLookupSelf())).toEqual({
      status: 500,
      errors: ['1 error occurred:\n\t* internal error\n\n'],
    });
    expect(await vaultFailure(root.read('pki/roles/a'))).toMatchObject({
      status: 500,
    });
    expect((await root.tokenLookupSelf()).data.id).toBe(peer.rootToken);

    peer.failNext(1, {
      status: 502,
      message: 'upstream down',
      path: /\/pki\/roles\/b$/,
    });
    expect((await root.read('pki/roles/a')).data.key_type).toBe('any');
    expect(await vaultFailure(root.read('pki/roles/b'))).toEqual({
      status: 502,
      errors: ['upstream down'],
    });
    expect((await root.read('pki/roles/b')).data.key_type).toBe('any');
  });

  it('delays responses', async () => {
    peer.setDelay(500);
    const started = Date.now();
    await root.tokenLookupSelf();
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    peer.setDelay(0);
    const quick = Date.now();
    await root.tokenLookupSelf();
    expect(Date.now() - quick).toBeLessThan(450);
  });

  it('counts requests by method and path, LIST included, and reset clears counts and faults', async () => {
    await root.read('pki/roles/a');
    await root.read('pki/roles/a');
    await root.list('pki/roles');
    await root.health();
    peer.seal();
    peer.setDelay(5000);
    peer.failNext(3);
    expect(peer.requestCounts()).toEqual({
      'GET /v1/pki/roles/a': 2,
      'LIST /v1/pki/roles': 1,
      'GET /v1/sys/health': 1,
    });
    peer.reset();
    expect(peer.requestCounts()).toEqual({});
    expect((await root.read('pki/roles/a')).data.key_type).toBe('any');
  });

  it('serves LIST and ?list=true alike, and answers an empty list with 404', async () => {
    const viaList = await fetch(`${peer.url}/v1/pki/roles`, {
      method: 'LIST',
      headers: { 'X-Vault-Token': peer.rootToken },
    });
    expect(viaList.status).toBe(200);
    const listed = await viaList.json();
    expect(listed.data.keys).toEqual(['a', 'b']);
    const viaQuery = await fetch(`${peer.url}/v1/pki/roles?list=true`, {
      headers: { 'X-Vault-Token': peer.rootToken },
    });
    expect((await viaQuery.json()).data.keys).toEqual(['a', 'b']);
    expect(await vaultFailure(root.list('pki/certs'))).toEqual({
      status: 404,
      errors: [],
    });
  });

  it('uses the Vault envelope and Vault status codes', async () => {
    const response = await fetch(`${peer.url}/v1/pki/roles/a`, {
      headers: { 'X-Vault-Token': peer.rootToken },
    });
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(
      [
        'auth',
        'data',
        'lease_duration',
        'lease_id',
        'mount_type',
        'renewable',
        'request_id',
        'warnings',
        'wrap_info',
      ].sort(),
    );
    expect(body).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'pki',
    });

    expect(await vaultFailure(root.read('nothing/here'))).toEqual({
      status: 404,
      errors: ['no handler for route "nothing/here". route entry not found.'],
    });
    expect(await vaultFailure(root.read('pki/unknown-path'))).toEqual({
      status: 404,
      errors: ['1 error occurred:\n\t* unsupported path\n\n'],
    });
    expect(await vaultFailure(root.delete('auth/token/lookup-self'))).toEqual({
      status: 405,
      errors: ['1 error occurred:\n\t* unsupported operation\n\n'],
    });
    const malformed = await fetch(`${peer.url}/v1/pki/roles/c`, {
      method: 'POST',
      headers: { 'X-Vault-Token': peer.rootToken },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).errors[0]).toMatch(
      /^failed to parse JSON input/,
    );
    expect(
      (
        await fetch(`${peer.url}/v1/pki/roles/a`, {
          method: 'DELETE',
          headers: { 'X-Vault-Token': peer.rootToken },
        })
      ).status,
    ).toBe(204);
  });

  it('logs one line per request without tokens', async () => {
    await root.read('pki/roles/b');
    expect(lines).toContain('GET /v1/pki/roles/b -> 200');
    expect(lines.some(line => line.includes(peer.rootToken))).toBe(false);
  });

  it('lists mounts and auth methods with their accessors', async () => {
    const mounts = await root.mounts();
    expect(mounts.data['pki/']).toMatchObject({
      type: 'pki',
      accessor: expect.stringMatching(/^pki_[0-9a-f]{8}$/),
    });
    expect(mounts['pki/']).toEqual(mounts.data['pki/']);
    expect(Object.keys(mounts.data)).toEqual(
      expect.arrayContaining(['sys/', 'identity/', 'cubbyhole/', 'pki/']),
    );
    const auths = await root.auths();
    expect(auths.data['token/']).toMatchObject({
      type: 'token',
      accessor: expect.stringMatching(/^auth_token_[0-9a-f]{8}$/),
    });
    expect(
      await vaultFailure(root.mount({ mount_point: 'pki', type: 'pki' })),
    ).toEqual({
      status: 400,
      errors: ['path is already in use at pki/'],
    });
    expect(
      await vaultFailure(root.mount({ mount_point: 'kv', type: 'kv' })),
    ).toEqual({
      status: 400,
      errors: ['plugin not found in the catalog: kv'],
    });
  });

  it('serves HTTPS, LIST included, when given a certificate', async () => {
    const keys = (await webcrypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: '01',
        name: 'CN=127.0.0.1',
        keys,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 3_600_000),
        extensions: [
          new x509.SubjectAlternativeNameExtension([
            { type: 'ip', value: '127.0.0.1' },
          ]),
        ],
      },
      webcrypto as unknown as Crypto,
    );
    const key = KeyObject.from(
      keys.privateKey as unknown as webcrypto.CryptoKey,
    ).export({ type: 'pkcs8', format: 'pem' });
    const tlsPeer = await startVaultPeer({
      tls: { cert: cert.toString('pem'), key: String(key) },
    });
    try {
      expect(tlsPeer.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const client = vault({
        endpoint: tlsPeer.url,
        token: tlsPeer.rootToken,
        requestOptions: { ca: cert.toString('pem') },
      });
      expect((await client.tokenLookupSelf()).data.policies).toEqual(['root']);
      expect((await client.list('sys/policies/acl')).data.keys).toEqual([
        'default',
        'root',
      ]);
    } finally {
      await tlsPeer.close();
    }
  });

  it('exposes the fault switches outside /v1 for other processes, behind the root token', async () => {
    const admin = (path: string, body?: unknown, token = peer.rootToken) =>
      fetch(`${peer.url}/_peer/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'X-Vault-Token': token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await admin('seal', {}, 'not-root')).status).toBe(403);
    expect(
      (
        await admin('fail-next', {
          n: 1,
          status: 429,
          message: 'slow down',
          path: '/pki/roles/b$',
        })
      ).status,
    ).toBe(204);
    expect(await vaultFailure(root.read('pki/roles/b'))).toEqual({
      status: 429,
      errors: ['slow down'],
    });
    expect((await admin('seal', {})).status).toBe(204);
    expect(await vaultFailure(root.read('pki/roles/b'))).toMatchObject({
      status: 503,
    });
    expect((await admin('unseal', {})).status).toBe(204);
    expect((await root.read('pki/roles/b')).data.key_type).toBe('any');
    const counts = await (await admin('request-counts')).json();
    expect(counts).toEqual({ 'GET /v1/pki/roles/b': 3 });
    expect((await admin('reset', {})).status).toBe(204);
    expect(peer.requestCounts()).toEqual({});
    expect((await admin('nope', {})).status).toBe(404);
  });
});
