import { createHash } from 'node:crypto';
import { startVaultPeer, VaultPeer } from './index';
import {
  extendedKeyUsages,
  keyUsage,
  makeCsr,
  makeCsrWithAttributes,
  makeTamperedCsr,
  parseCert,
  vaultClient,
  VaultClient,
  vaultFailure,
  verifiesAgainst,
  x509,
} from './__testUtils__/helpers';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const DEFAULT_KEY_USAGE =
  x509.KeyUsageFlags.digitalSignature |
  x509.KeyUsageFlags.keyAgreement |
  x509.KeyUsageFlags.keyEncipherment;

function expectNotAfterAbout(cert: x509.X509Certificate, seconds: number) {
  const expected = Date.now() + seconds * 1000;
  expect(cert.notAfter.getTime()).toBeGreaterThan(expected - 10_000);
  expect(cert.notAfter.getTime()).toBeLessThanOrEqual(expected + 1_000);
}

function colonSerial(cert: x509.X509Certificate): string {
  return cert.serialNumber
    .toLowerCase()
    .replace(/^(00)+(?=..)/, '')
    .match(/../g)!
    .join(':');
}

describe('Vault peer PKI secrets engine', () => {
  let peer: VaultPeer;
  let root: VaultClient;
  let caPem: string;

  beforeAll(async () => {
    peer = await startVaultPeer();
    root = vaultClient(peer.url, peer.rootToken);
    await root.mount({
      mount_point: 'pki',
      type: 'pki',
      config: { max_lease_ttl: '87600h' },
    });
    const generated = await root.write('pki/root/generate/internal', {
      common_name: 'Test Root CA',
      key_type: 'ec',
      ttl: '8760h',
    });
    caPem = generated.data.certificate;
    await root.write('pki/roles/client', {
      key_type: 'any',
      client_flag: true,
      server_flag: false,
      ttl: '1h',
      max_ttl: '24h',
      organization: ['role-org'],
      allow_any_name: true,
      enforce_hostnames: false,
    });
  });

  afterAll(async () => {
    await peer.close();
  });

  it('generates a real self-signed EC CA served raw at ca/pem and as DER at ca', async () => {
    const ca = parseCert(caPem);
    expect(ca.subject).toBe('CN=Test Root CA');
    expect(ca.issuer).toBe(ca.subject);
    expect(await ca.verify({ signatureOnly: true }, globalThis.crypto)).toBe(
      true,
    );
    expect(ca.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    expect(ca.publicKey.algorithm).toMatchObject({
      name: 'ECDSA',
      namedCurve: 'P-256',
    });
    expectNotAfterAbout(ca, 8760 * 3600);

    const pemResponse = await fetch(`${peer.url}/v1/pki/ca/pem`);
    expect(pemResponse.status).toBe(200);
    expect(pemResponse.headers.get('content-type')).toBe(
      'application/pem-certificate-chain',
    );
    expect(await pemResponse.text()).toBe(caPem);
    // node-vault hands back the raw body for non-JSON responses
    expect(await root.read('pki/ca/pem')).toBe(caPem);

    const der = Buffer.from(
      await (await fetch(`${peer.url}/v1/pki/ca`)).arrayBuffer(),
    );
    expect(der.equals(Buffer.from(ca.rawData))).toBe(true);

    const chain = await root.read('pki/cert/ca_chain');
    expect(chain.data.certificate).toBe(caPem);
  });

  it('sign-verbatim copies the CSR subject (CN and every O) and signs a verifiable client certificate', async () => {
    const { pem, csr } = await makeCsr([
      { CN: ['alice'] },
      { O: ['system:masters', 'team-a'] },
    ]);
    const started = Date.now();
    const response = await root.write('pki/sign-verbatim/client', {
      csr: pem,
      ttl: '2h',
      ext_key_usage: ['ClientAuth'],
    });
    const data = response.data;
    const cert = parseCert(data.certificate);

    expect(cert.subjectName.getField('CN')).toEqual(['alice']);
    expect(cert.subjectName.getField('O')).toEqual([
      'system:masters',
      'team-a',
    ]);
    expect(cert.subjectName.getField('O')).not.toContain('role-org');
    expect(extendedKeyUsages(cert)).toEqual([CLIENT_AUTH]);
    expect(keyUsage(cert)).toBe(DEFAULT_KEY_USAGE);
    expectNotAfterAbout(cert, 2 * 3600);
    expect(cert.notBefore.getTime()).toBeLessThanOrEqual(started - 29_000);
    expect(cert.notBefore.getTime()).toBeGreaterThan(started - 32_000);
    expect(await verifiesAgainst(cert, caPem)).toBe(true);

    expect(data.serial_number).toBe(colonSerial(cert));
    expect(data.serial_number).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    expect(data.expiration).toBe(Math.floor(cert.notAfter.getTime() / 1000));
    expect(data.issuing_ca).toBe(caPem);
    expect(data.ca_chain).toEqual([caPem]);
    expect(response.warnings).toBeNull();

    // SKI is SHA-1 over the SubjectPublicKeyInfo; AKI points at the CA's SKI.
    const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
    expect(ski).toBe(
      createHash('sha1')
        .update(Buffer.from(csr.publicKey.rawData))
        .digest('hex'),
    );
    const caSki = parseCert(caPem).getExtension(
      x509.SubjectKeyIdentifierExtension,
    )!.keyId;
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(
      caSki,
    );

    // The certificate is stored and readable by serial (both separators).
    const stored = await root.read(`pki/cert/${data.serial_number}`);
    expect(stored.data.certificate).toBe(data.certificate);
    expect(stored.data.revocation_time).toBe(0);
    const hyphen = await root.read(
      `pki/cert/${data.serial_number.replace(/:/g, '-')}`,
    );
    expect(hyphen.data.certificate).toBe(data.certificate);
  });

  it('sign-verbatim takes key usages from the request, not from the role flags (as Vault does)', async () => {
    const { pem } = await makeCsr([{ CN: ['bob'] }]);
    const plain = parseCert(
      (await root.write('pki/sign-verbatim/client', { csr: pem })).data
        .certificate,
    );
    expect(plain.getExtension(x509.ExtendedKeyUsageExtension)).toBeNull();
    expect(keyUsage(plain)).toBe(DEFAULT_KEY_USAGE);
    expectNotAfterAbout(plain, 3600); // the role's ttl applies

    const custom = parseCert(
      (
        await root.write('pki/sign-verbatim/client', {
          csr: pem,
          key_usage: 'DigitalSignature',
          ext_key_usage: 'ServerAuth,ClientAuth',
        })
      ).data.certificate,
    );
    expect(keyUsage(custom)).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(extendedKeyUsages(custom)).toEqual([SERVER_AUTH, CLIENT_AUTH]);
  });

  it('sign-verbatim merges the extensions of every extensionRequest attribute into the certificate, as Go does', async () => {
    // The first attribute is harmless; the second asks for server, OCSP and
    // CA-signing usages. A reader of the first attribute only sees nothing
    // wrong; Go's parseCSRExtensions reads both, and Vault copies them.
    const pem = await makeCsrWithAttributes(
      [{ CN: ['alice'] }, { O: ['payments'] }],
      [
        new x509.ExtensionsAttribute([
          new x509.BasicConstraintsExtension(false),
        ]),
        new x509.ExtensionsAttribute([
          new x509.ExtendedKeyUsageExtension([
            x509.ExtendedKeyUsage.serverAuth,
            x509.ExtendedKeyUsage.ocspSigning,
          ]),
          new x509.KeyUsagesExtension(
            x509.KeyUsageFlags.digitalSignature |
              x509.KeyUsageFlags.keyCertSign,
            true,
          ),
        ]),
      ],
    );
    expect(
      new x509.Pkcs10CertificateRequest(pem).extensions.map(e => e.type),
    ).toEqual(['2.5.29.19']);
    const response = await root.write('pki/sign-verbatim/client', {
      csr: pem,
      key_usage: ['DigitalSignature'],
      ext_key_usage: ['ClientAuth'],
    });
    const cert = parseCert(response.data.certificate);
    expect(extendedKeyUsages(cert)).toEqual([SERVER_AUTH, '1.3.6.1.5.5.7.3.9']);
    expect(keyUsage(cert)).toBe(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign,
    );
    // Requested extensions replace Vault's own and come after them; Basic
    // Constraints is never copied.
    expect(cert.extensions.map(e => e.type)).toEqual([
      '2.5.29.14',
      '2.5.29.35',
      '2.5.29.37',
      '2.5.29.15',
    ]);
    expect(response.warnings).toEqual([
      'specified CSR contained a Basic Constraints extension that was ignored during issuance',
    ]);
  });

  it("refuses a CSR that requests one extension twice, with Go's message", async () => {
    const pem = await makeCsrWithAttributes(
      [{ CN: ['alice'] }],
      [
        new x509.ExtensionsAttribute([
          new x509.ExtendedKeyUsageExtension([
            x509.ExtendedKeyUsage.clientAuth,
          ]),
        ]),
        new x509.ExtensionsAttribute([
          new x509.ExtendedKeyUsageExtension([
            x509.ExtendedKeyUsage.serverAuth,
          ]),
        ]),
      ],
    );
    expect(
      await vaultFailure(root.write('pki/sign-verbatim/client', { csr: pem })),
    ).toEqual({
      status: 400,
      errors: [
        'certificate request could not be parsed: x509: certificate request contains duplicate requested extensions',
      ],
    });
  });

  it('sign-verbatim writes every subject attribute as its own RDN, keeps every CN, and adds no SAN for the CN', async () => {
    const { pem } = await makeCsr([
      { CN: ['alice'], O: ['payments'] },
      { CN: ['kubernetes.default'] },
    ]);
    const cert = parseCert(
      (await root.write('pki/sign-verbatim/client', { csr: pem })).data
        .certificate,
    );
    expect(cert.subjectName.toJSON()).toEqual([
      { CN: ['alice'] },
      { O: ['payments'] },
      { CN: ['kubernetes.default'] },
    ]);
    expect(cert.getExtension('2.5.29.17')).toBeNull();
  });

  it('sign takes the last CN of the CSR, as Go does', async () => {
    const { pem } = await makeCsr([
      { CN: ['first.example.com'] },
      { CN: ['last.example.com'] },
    ]);
    const cert = parseCert(
      (await root.write('pki/sign/client', { csr: pem })).data.certificate,
    );
    expect(cert.subjectName.getField('CN')).toEqual(['last.example.com']);
  });

  it('sign builds the subject from the role: O and OU from the role, CN from the CSR, EKU from the flags', async () => {
    await root.write('pki/roles/signer', {
      key_type: 'ec',
      client_flag: true,
      server_flag: false,
      organization: 'role-org',
      ou: ['role-ou'],
      ttl: '30m',
      allow_any_name: true,
    });
    const { pem } = await makeCsr([
      { CN: ['alice'] },
      { O: ['system:masters', 'team-a'] },
    ]);
    const response = await root.write('pki/sign/signer', { csr: pem });
    const cert = parseCert(response.data.certificate);
    expect(cert.subjectName.getField('CN')).toEqual(['alice']);
    expect(cert.subjectName.getField('O')).toEqual(['role-org']);
    expect(cert.subjectName.getField('OU')).toEqual(['role-ou']);
    expect(extendedKeyUsages(cert)).toEqual([CLIENT_AUTH]);
    expect(keyUsage(cert)).toBe(DEFAULT_KEY_USAGE);
    expectNotAfterAbout(cert, 30 * 60);
    expect(await verifiesAgainst(cert, caPem)).toBe(true);
    // A hostname-like CN also lands in the DNS SANs, as Vault does.
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.names.items.map(n => `${n.type}:${n.value}`)).toEqual([
      'dns:alice',
    ]);
  });

  it('sign uses common_name from the request when the role does not use the CSR common name', async () => {
    await root.write('pki/roles/named', {
      key_type: 'any',
      use_csr_common_name: false,
      allowed_domains: ['example.com'],
      allow_subdomains: true,
    });
    const { pem } = await makeCsr([{ CN: ['ignored'] }]);
    const cert = parseCert(
      (
        await root.write('pki/sign/named', {
          csr: pem,
          common_name: 'svc.example.com',
        })
      ).data.certificate,
    );
    expect(cert.subjectName.getField('CN')).toEqual(['svc.example.com']);
    expect(extendedKeyUsages(cert)).toEqual([SERVER_AUTH, CLIENT_AUTH]); // both flags default to true

    const denied = await vaultFailure(
      root.write('pki/sign/named', { csr: pem, common_name: 'evil.org' }),
    );
    expect(denied).toEqual({
      status: 400,
      errors: ['common name evil.org not allowed by this role'],
    });
  });

  it('returns DER and PEM bundle formats on request', async () => {
    const { pem } = await makeCsr([{ CN: ['der-user'] }]);
    const der = (
      await root.write('pki/sign-verbatim/client', { csr: pem, format: 'der' })
    ).data;
    const cert = new x509.X509Certificate(
      Buffer.from(der.certificate, 'base64'),
    );
    expect(cert.subject).toBe('CN=der-user');
    expect(
      Buffer.from(der.issuing_ca, 'base64').equals(
        Buffer.from(parseCert(caPem).rawData),
      ),
    ).toBe(true);
    const bundle = (
      await root.write('pki/sign-verbatim/client', {
        csr: pem,
        format: 'pem_bundle',
      })
    ).data;
    expect(bundle.certificate.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(bundle.certificate.endsWith(caPem)).toBe(true);
    expect(
      await vaultFailure(
        root.write('pki/sign-verbatim/client', { csr: pem, format: 'p12' }),
      ),
    ).toEqual({
      status: 400,
      errors: [
        'the "format" path parameter must be "pem", "der", or "pem_bundle"',
      ],
    });
  });

  it('clamps a TTL above the role max_ttl and warns with Vault text', async () => {
    const { pem } = await makeCsr([{ CN: ['carol'] }]);
    const response = await root.write('pki/sign-verbatim/client', {
      csr: pem,
      ttl: '48h',
    });
    expect(response.warnings).toEqual([
      'TTL "48h0m0s" is longer than permitted maxTTL "24h0m0s", so maxTTL is being used',
    ]);
    expectNotAfterAbout(parseCert(response.data.certificate), 24 * 3600);
  });

  it('clamps to the mount max_lease_ttl when the role has no max_ttl', async () => {
    await root.mount({
      mount_point: 'pki-short',
      type: 'pki',
      config: { max_lease_ttl: '10h' },
    });
    await root.write('pki-short/root/generate/internal', {
      common_name: 'Short CA',
      key_type: 'ec',
      ttl: '10h',
    });
    // vault secrets tune -max-lease-ttl=2h pki-short
    await root.write('sys/mounts/pki-short/tune', { max_lease_ttl: '2h' });
    expect(
      (await root.read('sys/mounts/pki-short/tune')).data.max_lease_ttl,
    ).toBe(7200);
    await root.write('pki-short/roles/r', {
      key_type: 'any',
      allow_any_name: true,
    });
    const { pem } = await makeCsr([{ CN: ['dave'] }]);
    const response = await root.write('pki-short/sign-verbatim/r', {
      csr: pem,
      ttl: '3h',
    });
    expect(response.warnings).toEqual([
      'TTL "3h0m0s" is longer than permitted maxTTL "2h0m0s", so maxTTL is being used',
    ]);
    expectNotAfterAbout(parseCert(response.data.certificate), 2 * 3600);
  });

  it('refuses a certificate that would outlive its CA', async () => {
    await root.mount({ mount_point: 'pki-brief', type: 'pki' });
    await root.write('pki-brief/root/generate/internal', {
      common_name: 'Brief CA',
      key_type: 'ec',
      ttl: '1h',
    });
    await root.write('pki-brief/roles/r', {
      key_type: 'any',
      allow_any_name: true,
    });
    const { pem } = await makeCsr([{ CN: ['late'] }]);
    const failure = await vaultFailure(
      root.write('pki-brief/sign-verbatim/r', { csr: pem, ttl: '2h' }),
    );
    expect(failure.status).toBe(400);
    expect(failure.errors[0]).toMatch(
      /^cannot satisfy request, as TTL would result in notAfter of .* that is beyond the expiration of the CA certificate at /,
    );
  });

  it('rejects garbage and badly signed CSRs with 400', async () => {
    expect(
      await vaultFailure(
        root.write('pki/sign-verbatim/client', { csr: 'not a csr' }),
      ),
    ).toEqual({
      status: 400,
      errors: ['csr contains no data'],
    });
    const junkPem = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(
      'junk',
    ).toString('base64')}\n-----END CERTIFICATE REQUEST-----`;
    const junk = await vaultFailure(
      root.write('pki/sign/signer', { csr: junkPem }),
    );
    expect(junk.status).toBe(400);
    expect(junk.errors[0]).toMatch(/^certificate request could not be parsed/);
    expect(
      await vaultFailure(
        root.write('pki/sign-verbatim/client', {
          csr: await makeTamperedCsr(),
        }),
      ),
    ).toEqual({
      status: 400,
      errors: ['request signature invalid'],
    });
    expect(
      await vaultFailure(root.write('pki/sign-verbatim/client', {})),
    ).toEqual({
      status: 400,
      errors: ['"csr" is empty'],
    });
  });

  it('refuses CSR keys the role does not allow', async () => {
    const rsa = await makeCsr([{ CN: ['erin'] }], 'rsa');
    expect(
      await vaultFailure(root.write('pki/sign/signer', { csr: rsa.pem })),
    ).toEqual({
      status: 400,
      errors: ['role requires keys of type ec'],
    });
    await root.write('pki/roles/big-rsa', {
      key_type: 'rsa',
      key_bits: 4096,
      allow_any_name: true,
    });
    expect(
      await vaultFailure(root.write('pki/sign/big-rsa', { csr: rsa.pem })),
    ).toEqual({
      status: 400,
      errors: [
        "role requires a minimum of a 4096-bit key, but CSR's key is 2048 bits",
      ],
    });
    const weak = await makeCsr([{ CN: ['weak'] }], 'rsa1024');
    expect(
      await vaultFailure(
        root.write('pki/sign-verbatim/client', { csr: weak.pem }),
      ),
    ).toEqual({
      status: 400,
      errors: ['RSA keys < 2048 bits are unsafe and not supported'],
    });
    // key_type any accepts a 2048-bit RSA key.
    const ok = await root.write('pki/sign-verbatim/client', { csr: rsa.pem });
    expect(parseCert(ok.data.certificate).publicKey.algorithm).toMatchObject({
      modulusLength: 2048,
    });
  });

  it('answers an unknown role with 400 and returns roles with Vault defaults', async () => {
    const { pem } = await makeCsr([{ CN: ['frank'] }]);
    expect(
      await vaultFailure(root.write('pki/sign/nope', { csr: pem })),
    ).toEqual({
      status: 400,
      errors: ['unknown role: nope'],
    });
    await root.write('pki/roles/defaults', {});
    const role = (await root.read('pki/roles/defaults')).data;
    expect(role).toMatchObject({
      server_flag: true,
      client_flag: true,
      key_type: 'rsa',
      key_bits: 2048,
      key_usage: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
      ext_key_usage: [],
      use_csr_common_name: true,
      use_csr_sans: true,
      enforce_hostnames: true,
      allow_any_name: false,
      no_store: false,
      not_before_duration: 30,
      ttl: 0,
      max_ttl: 0,
    });
    const listed = await root.list('pki/roles');
    expect(listed.data.keys).toEqual(
      expect.arrayContaining(['client', 'signer', 'defaults']),
    );
    expect(await vaultFailure(root.read('pki/roles/missing'))).toEqual({
      status: 404,
      errors: [],
    });
    expect(
      await vaultFailure(
        root.write('pki/roles/bad', { ttl: '2h', max_ttl: '1h' }),
      ),
    ).toEqual({
      status: 400,
      errors: ['"ttl" value must be less than "max_ttl" value'],
    });
  });

  it('revokes by serial, reports revocation on the cert and in the CRL', async () => {
    const { pem } = await makeCsr([{ CN: ['revoked-user'] }]);
    const signed = (await root.write('pki/sign-verbatim/client', { csr: pem }))
      .data;
    const before = Math.floor(Date.now() / 1000);
    const revoked = await root.write('pki/revoke', {
      serial_number: signed.serial_number,
    });
    expect(revoked.data.revocation_time).toBeGreaterThanOrEqual(before);
    expect(revoked.data.state).toBe('revoked');
    const stored = await root.read(`pki/cert/${signed.serial_number}`);
    expect(stored.data.revocation_time).toBe(revoked.data.revocation_time);

    const crl = new x509.X509Crl(
      await (await fetch(`${peer.url}/v1/pki/crl/pem`)).text(),
    );
    expect(crl.findRevoked(parseCert(signed.certificate))).not.toBeNull();
    expect(
      await crl.verify(
        { publicKey: parseCert(caPem).publicKey },
        globalThis.crypto,
      ),
    ).toBe(true);

    expect(
      await vaultFailure(
        root.write('pki/revoke', { serial_number: '01:02:03' }),
      ),
    ).toEqual({
      status: 400,
      errors: ['certificate with serial 01:02:03 not found.'],
    });
  });

  it('refuses an unknown format before it signs, stores or generates anything, as getFormat does', async () => {
    const certsBefore = (await root.list('pki/certs')).data.keys;
    const issuersBefore = (await root.list('pki/issuers')).data.keys;
    const formatError = {
      status: 400,
      errors: [
        'the "format" path parameter must be "pem", "der", or "pem_bundle"',
      ],
    };
    const { pem } = await makeCsr([{ CN: ['format-user'] }]);
    expect(
      await vaultFailure(
        root.write('pki/sign/client', { csr: pem, format: 'p12' }),
      ),
    ).toEqual(formatError);
    expect(
      await vaultFailure(
        root.write('pki/root/generate/internal', {
          common_name: 'Second Root',
          key_type: 'ec',
          format: 'p12',
        }),
      ),
    ).toEqual(formatError);
    expect((await root.list('pki/certs')).data.keys).toEqual(certsBefore);
    expect((await root.list('pki/issuers')).data.keys).toEqual(issuersBefore);
  });

  it('does not store certificates of no_store roles', async () => {
    await root.write('pki/roles/ephemeral', {
      key_type: 'any',
      allow_any_name: true,
      no_store: true,
    });
    const { pem } = await makeCsr([{ CN: ['temp'] }]);
    const signed = (
      await root.write('pki/sign-verbatim/ephemeral', { csr: pem })
    ).data;
    expect(
      await vaultFailure(root.read(`pki/cert/${signed.serial_number}`)),
    ).toEqual({ status: 404, errors: [] });
  });

  it('imports a CA with config/ca and signs with it', async () => {
    const exported = (
      await root.write('pki/issuers/generate/root/exported', {
        common_name: 'Exported CA',
        key_type: 'rsa',
        ttl: '8760h',
      })
    ).data;
    expect(exported.private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(exported.private_key_type).toBe('rsa');
    await root.mount({ mount_point: 'pki-imported', type: 'pki' });
    const imported = await root.write('pki-imported/config/ca', {
      pem_bundle: `${exported.private_key}\n${exported.certificate}`,
    });
    expect(imported.data.imported_issuers).toHaveLength(1);
    expect(await root.read('pki-imported/ca/pem')).toBe(exported.certificate);

    await root.write('pki-imported/roles/r', {
      key_type: 'any',
      allow_any_name: true,
    });
    const { pem } = await makeCsr([{ CN: ['gina'] }]);
    const cert = parseCert(
      (await root.write('pki-imported/sign-verbatim/r', { csr: pem })).data
        .certificate,
    );
    expect(cert.issuer).toBe('CN=Exported CA');
    expect(await verifiesAgainst(cert, exported.certificate)).toBe(true);
    // The first root of a mount stays its default issuer.
    expect(await root.read('pki/ca/pem')).toBe(caPem);
  });

  it('issues a key pair and certificate with issue/:role', async () => {
    await root.write('pki/roles/server', {
      key_type: 'ec',
      allowed_domains: 'example.com',
      allow_subdomains: true,
    });
    const issued = (
      await root.write('pki/issue/server', {
        common_name: 'web.example.com',
        ttl: '10m',
      })
    ).data;
    const cert = parseCert(issued.certificate);
    expect(cert.subject).toBe('CN=web.example.com');
    expect(issued.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(issued.private_key_type).toBe('ec');
    expectNotAfterAbout(cert, 600);
    expect(
      await vaultFailure(root.write('pki/issue/client', { common_name: 'x' })),
    ).toEqual({
      status: 400,
      errors: [
        'role key type "any" not allowed for issuing certificates, only signing',
      ],
    });
  });
});
