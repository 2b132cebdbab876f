/**
 * @jest-environment node
 */
// Node 22, as a CLI would run it; the frontend plugin's tests cover the
// browser path through jsdom.
import 'reflect-metadata';
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import { generateClientKeyAndCsr } from './csr';

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';

/** The subject as a list of RDNs, each a list of [type, value] pairs. */
function rdns(csr: Pkcs10CertificateRequest): Array<Array<[string, string]>> {
  return csr.subjectName
    .toJSON()
    .map(rdn =>
      Object.entries(rdn).flatMap(([type, values]) =>
        values.map(value => [type, value] as [string, string]),
      ),
    );
}

async function privateKeyFromPem(pem: string, algorithm: Algorithm) {
  const body = pem
    .replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '')
    .replace(/\s+/g, '');
  return crypto.subtle.importKey(
    'pkcs8',
    Buffer.from(body, 'base64'),
    algorithm,
    true,
    ['sign'],
  );
}

describe('generateClientKeyAndCsr', () => {
  it('makes an ECDSA P-256 CSR with subject CN=username, O=each group, self-signed', async () => {
    const result = await generateClientKeyAndCsr({
      username: 'alice',
      groups: ['payments', 'sre'],
    });
    expect(result.algorithm).toBe('ECDSA-P256');
    expect(result.csrPem).toMatch(
      /^-----BEGIN CERTIFICATE REQUEST-----\n[\s\S]+\n-----END CERTIFICATE REQUEST-----\n$/,
    );
    expect(result.privateKeyPem).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/,
    );

    const csr = new Pkcs10CertificateRequest(result.csrPem);
    expect(rdns(csr)).toEqual([
      [['CN', 'alice']],
      [['O', 'payments']],
      [['O', 'sre']],
    ]);
    expect(csr.publicKey.algorithm).toMatchObject({
      name: 'ECDSA',
      namedCurve: 'P-256',
    });
    expect(csr.signatureAlgorithm).toMatchObject({
      name: 'ECDSA',
      hash: { name: 'SHA-256' },
    });
    expect(await csr.verify(crypto)).toBe(true);
    expect(csr.extensions).toEqual([]);
    expect(csr.attributes).toEqual([]);
  });

  it('returns the private key that matches the CSR’s public key', async () => {
    const result = await generateClientKeyAndCsr({
      username: 'alice',
      groups: [],
    });
    const csr = new Pkcs10CertificateRequest(result.csrPem);
    const privateKey = await privateKeyFromPem(result.privateKeyPem, {
      name: 'ECDSA',
      namedCurve: 'P-256',
    } as EcKeyImportParams);
    const data = new TextEncoder().encode('proof of possession');
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
      privateKey,
      data,
    );
    const publicKey = await csr.publicKey.export(crypto);
    expect(
      await crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
        publicKey,
        signature,
        data,
      ),
    ).toBe(true);
    // No groups: the subject is the common name alone.
    expect(rdns(csr)).toEqual([[['CN', 'alice']]]);
  });

  it('supports P-384 and RSA-2048 keys', async () => {
    const p384 = await generateClientKeyAndCsr({
      username: 'bob',
      groups: ['ops'],
      algorithm: 'ECDSA-P384',
    });
    const p384Csr = new Pkcs10CertificateRequest(p384.csrPem);
    expect(p384Csr.publicKey.algorithm).toMatchObject({
      name: 'ECDSA',
      namedCurve: 'P-384',
    });
    expect(p384Csr.signatureAlgorithm).toMatchObject({
      hash: { name: 'SHA-384' },
    });
    expect(await p384Csr.verify(crypto)).toBe(true);

    const rsa = await generateClientKeyAndCsr({
      username: 'bob',
      groups: ['ops'],
      algorithm: 'RSA-2048',
    });
    const rsaCsr = new Pkcs10CertificateRequest(rsa.csrPem);
    expect(rsaCsr.publicKey.algorithm).toMatchObject({
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
    });
    expect(await rsaCsr.verify(crypto)).toBe(true);
    expect(rdns(rsaCsr)).toEqual([[['CN', 'bob']], [['O', 'ops']]]);
  });

  it('keeps every value as one attribute, whatever characters it holds', async () => {
    // Each of these would add or alter attributes if the subject were built
    // by concatenating an RFC 4514 string.
    const groups = [
      'dev, O=system:masters',
      'a+CN=root',
      '"quoted"',
      'back\\slash',
      '#6869',
      ' padded ',
      'équipe-données',
    ];
    const result = await generateClientKeyAndCsr({
      username: 'eve,O=system:masters',
      groups,
    });
    const csr = new Pkcs10CertificateRequest(result.csrPem);
    expect(csr.subjectName.getField(OID_CN)).toEqual(['eve,O=system:masters']);
    expect(csr.subjectName.getField(OID_O)).toEqual(groups);
    expect(rdns(csr)).toHaveLength(1 + groups.length);
    expect(await csr.verify(crypto)).toBe(true);
  });

  it('uses the WebCrypto implementation it is given', async () => {
    const generateKey = jest.fn(
      (...args: Parameters<SubtleCrypto['generateKey']>) =>
        crypto.subtle.generateKey(...args),
    );
    const subtle = new Proxy(crypto.subtle, {
      get(target, prop) {
        if (prop === 'generateKey') return generateKey;
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const wrapped = {
      subtle,
      getRandomValues: crypto.getRandomValues.bind(crypto),
    } as unknown as Crypto;

    const result = await generateClientKeyAndCsr({
      username: 'alice',
      groups: ['payments'],
      crypto: wrapped,
    });
    expect(generateKey).toHaveBeenCalledTimes(1);
    expect(
      await new Pkcs10CertificateRequest(result.csrPem).verify(crypto),
    ).toBe(true);
  });

  it('refuses an empty username or group', async () => {
    await expect(
      generateClientKeyAndCsr({ username: '', groups: [] }),
    ).rejects.toThrow('A username is required');
    await expect(
      generateClientKeyAndCsr({ username: 'alice', groups: ['a', ''] }),
    ).rejects.toThrow('Group 2 is empty');
  });
});
