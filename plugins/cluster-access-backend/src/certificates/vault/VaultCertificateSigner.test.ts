import { serializeError } from '@backstage/errors';
import { createServer } from 'node:net';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { checkIssuedCertificate } from '../issued';
import { validateCsr } from '../csr';
import {
  clientSubject,
  createCsr,
  createSmugglingCsr,
  testKeys,
} from '../../__testUtils__/pki';
import {
  recordingLogger,
  startTestVault,
  TestVault,
} from '../../__testUtils__/vault';
import { VaultCertificateSigner } from './VaultCertificateSigner';
import { VaultClient } from './VaultClient';

jest.setTimeout(60_000);

describe('VaultCertificateSigner against the Vault peer', () => {
  let vault: TestVault;

  beforeAll(async () => {
    vault = await startTestVault();
  });
  afterAll(async () => {
    await vault.peer.close();
  });
  afterEach(() => {
    vault.peer.reset();
  });

  function makeSigner(overrides: Parameters<TestVault['config']>[0] = {}) {
    const { logger, lines } = recordingLogger();
    const config = vault.config(overrides);
    const client = VaultClient.create({ config, logger });
    const signer = new VaultCertificateSigner({
      client,
      pkiMount: config.pkiMount,
      role: config.role,
      caPem: config.caPem,
      logger,
    });
    return { signer, client, lines };
  }

  async function validCsr(username = 'alice', groups = ['payments']) {
    const csrPem = await createCsr({
      subject: clientSubject(username, groups),
    });
    return validateCsr({ csrPem, username, groups });
  }

  it('signs a CSR verbatim into a client certificate that passes the checks', async () => {
    const { signer, client } = makeSigner();
    const csr = await validCsr('alice', ['payments', 'search']);
    const signed = await signer.sign({
      csrPem: csr.pem,
      ttlSeconds: 3600,
      username: 'alice',
      groups: ['payments', 'search'],
      keyType: 'ec',
    });
    expect(signed.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    const anchors = await signer.getTrustAnchors();
    expect(anchors[0].trim()).toBe(vault.setup.caPem.trim());
    const checked = await checkIssuedCertificate({
      ...signed,
      trustAnchorPems: anchors,
      username: 'alice',
      groups: ['payments', 'search'],
      publicKeyDer: csr.publicKeyDer,
      keyType: csr.keyType,
      notAfterLimit: new Date(Date.now() + 3600_000),
    });
    expect(checked.notAfter.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(await signer.getMaxTtlSeconds()).toBe(24 * 3600);
    client.close();
  });

  it('gets a certificate with the smuggled usages when the CSR checks are bypassed, and the certificate checks refuse it', async () => {
    // What the CSR check now stops (csr.test.ts): Vault (here the peer, which
    // reads CSRs as Go does) copies the second attribute's usages.
    const { signer, client } = makeSigner();
    const csrPem = await createSmugglingCsr({
      subject: clientSubject('alice', ['payments']),
    });
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    const signed = await signer.sign({
      csrPem,
      ttlSeconds: 3600,
      username: 'alice',
      groups: ['payments'],
      keyType: 'ec',
    });
    const cert = new x509.X509Certificate(signed.certificatePem);
    expect(
      cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String),
    ).toEqual([
      x509.ExtendedKeyUsage.serverAuth,
      x509.ExtendedKeyUsage.ocspSigning,
    ]);
    const refusal = await checkIssuedCertificate({
      ...signed,
      trustAnchorPems: await signer.getTrustAnchors(),
      username: 'alice',
      groups: ['payments'],
      publicKeyDer: csr.publicKey.rawData,
      keyType: 'ec',
      notAfterLimit: new Date(Date.now() + 3600_000),
    }).catch(e => e);
    expect(refusal.statusCode).toBe(502);
    expect(refusal.message).toMatch(
      /extended key usage 1\.3\.6\.1\.5\.5\.7\.3\.1, 1\.3\.6\.1\.5\.5\.7\.3\.9/,
    );
    expect(refusal.message).toMatch(/key usage keyCertSign/);
    client.close();
  });

  it('surfaces Vault warnings, e.g. a TTL Vault capped to the role', async () => {
    const { signer, client } = makeSigner();
    const csr = await validCsr();
    const signed = await signer.sign({
      csrPem: csr.pem,
      ttlSeconds: 48 * 3600,
      username: 'alice',
      groups: ['payments'],
      keyType: 'ec',
    });
    expect(signed.warnings.join('\n')).toMatch(/maxTTL/);
    client.close();
  });

  it('passes a CSR Vault refuses on as a 400', async () => {
    const { signer, client } = makeSigner();
    // Only our own validation stops weak keys; Vault refuses them too.
    const csrPem = await createCsr({
      subject: clientSubject('alice', []),
      keys: await testKeys('rsa-1024'),
    });
    await expect(
      signer.sign({
        csrPem,
        ttlSeconds: 600,
        username: 'alice',
        groups: [],
        keyType: 'rsa',
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(
        /Vault refused the certificate request: .*2048/,
      ),
    });
    client.close();
  });

  it('answers 503 when Vault is sealed, failing or slow, and 502 when it refuses', async () => {
    const { signer, client } = makeSigner({ timeoutMs: 500 });
    const csr = await validCsr();
    const request = {
      csrPem: csr.pem,
      ttlSeconds: 600,
      username: 'alice',
      groups: ['payments'],
      keyType: 'ec' as const,
    };

    vault.peer.seal();
    const sealed = await signer.sign(request).catch(e => e);
    expect(sealed.name).toBe('ServiceUnavailableError');
    expect(sealed.message).toMatch(/Vault is sealed/);
    vault.peer.unseal();

    vault.peer.failNext(1, {
      status: 500,
      message: 'storage backend exploded',
      path: /sign-verbatim/,
    });
    const failing = await signer.sign(request).catch(e => e);
    expect(failing.name).toBe('ServiceUnavailableError');
    expect(failing.message).toMatch(/500 \(storage backend exploded\)/);

    vault.peer.failNext(1, {
      status: 403,
      message: 'permission denied',
      path: /sign-verbatim/,
    });
    const refused = await signer.sign(request).catch(e => e);
    expect(refused.name).toBe('BadGatewayError');
    expect(refused.statusCode).toBe(502);
    expect(refused.message).toMatch(
      /Vault refused to sign the certificate \(403 permission denied\): check the Vault policy/,
    );

    vault.peer.setDelay(1500);
    const slow = await signer.sign(request).catch(e => e);
    expect(slow.name).toBe('ServiceUnavailableError');
    expect(slow.message).toMatch(/did not answer within 500ms/);
    vault.peer.setDelay(0);

    for (const error of [sealed, failing, refused, slow]) {
      expect(JSON.stringify(serializeError(error))).not.toContain(
        vault.setup.backendToken,
      );
    }
    client.close();
  });

  it('answers 503 when nothing listens at the address, naming the address only in the log', async () => {
    const port = await new Promise<number>(resolve => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const { signer, client, lines } = makeSigner({
      address: `http://127.0.0.1:${port}`,
    });
    const csr = await validCsr();
    const down = await signer
      .sign({
        csrPem: csr.pem,
        ttlSeconds: 600,
        username: 'alice',
        groups: ['payments'],
        keyType: 'ec',
      })
      .catch(e => e);
    expect(down.name).toBe('ServiceUnavailableError');
    expect(down.message).toMatch(
      /^Certificate issuance is unavailable: Vault is unreachable \(ECONNREFUSED\)/,
    );
    expect(JSON.stringify(serializeError(down))).not.toContain(`:${port}`);
    expect(lines.join('\n')).toContain(`Vault at http://127.0.0.1:${port}`);
    client.close();
  });

  it('revokes in Vault', async () => {
    const { signer, client } = makeSigner();
    const csr = await validCsr();
    const signed = await signer.sign({
      csrPem: csr.pem,
      ttlSeconds: 600,
      username: 'alice',
      groups: ['payments'],
      keyType: 'ec',
    });
    await signer.revoke({ serialNumber: signed.serialNumber });
    const cert = await vault.root(
      'GET',
      `${vault.setup.pkiMount}/cert/${signed.serialNumber}`,
    );
    expect(cert.data.revocation_time).toBeGreaterThan(0);
    client.close();
  });

  it('checks, at startup, what sign-verbatim takes from the role, and warns about each misfit without throwing', async () => {
    const good = makeSigner();
    expect(await good.signer.checkRole()).toEqual([]);
    good.client.close();

    // key_type, client_flag and server_flag do not apply to sign-verbatim
    // (Vault builds a permissive role for it), so they are not reported;
    // no_store and generate_lease are.
    await vault.root('POST', `${vault.setup.pkiMount}/roles/misfit`, {
      key_type: 'rsa',
      client_flag: false,
      server_flag: true,
      no_store: true,
      generate_lease: true,
    });
    // The backend policy only reads its own role; an operator's token
    // stands in for a backend configured with the wrong role.
    const bad = makeSigner({
      role: 'misfit',
      auth: { method: 'token', token: vault.peer.rootToken },
    });
    const problems = await bad.signer.checkRole();
    expect(problems).toEqual([
      expect.stringMatching(/no_store on: .*cannot revoke/),
      expect.stringMatching(/generate_lease on/),
    ]);
    expect(bad.lines.join('\n')).not.toMatch(
      /key_type|client_flag|server_flag/,
    );
    bad.client.close();

    const missing = makeSigner({
      role: 'nope',
      auth: { method: 'token', token: vault.peer.rootToken },
    });
    expect(await missing.signer.checkRole()).toEqual([
      expect.stringMatching(/does not exist/),
    ]);
    missing.client.close();

    vault.peer.seal();
    const sealed = makeSigner();
    expect(await sealed.signer.checkRole()).toEqual([
      expect.stringMatching(/Could not check .*sealed/),
    ]);
    sealed.client.close();
  });
});
