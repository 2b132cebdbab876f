// @peculiar/x509 (through tsyringe) needs the Reflect polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { json, SeenRequest } from './fakeBackend';

const algorithm = { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams;

/**
 * A stand-in for the backend's `GET /identity` and `POST /certificates`:
 * signs the CSR it is sent with a throwaway CA, as Vault would, and answers
 * with the clusters given, so that login can run to the end in-process.
 */
export async function createSigningRoutes(options: {
  username?: string;
  groups?: string[];
  clusters?: Array<{ name: string; server: string }>;
}) {
  const {
    username = 'alice',
    groups = ['payments'],
    clusters = [{ name: 'dev', server: 'https://dev.example.com:6443' }],
  } = options;
  x509.cryptoProvider.set(webcrypto as Crypto);
  const keys = (await webcrypto.subtle.generateKey(
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: [{ CN: ['Test Vault CA'] }],
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86400_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const serials: string[] = [];

  async function sign(request: SeenRequest, res: ServerResponse) {
    const { csr, ttlSeconds = 3600 } = JSON.parse(request.body);
    const parsed = new x509.Pkcs10CertificateRequest(csr);
    const serial = `1${randomBytes(7).toString('hex')}`;
    // Whole seconds, as X.509 keeps them.
    const notAfter = new Date(
      Math.floor((Date.now() + ttlSeconds * 1000) / 1000) * 1000,
    );
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: parsed.subjectName.toJSON(),
      issuer: ca.subjectName.toJSON(),
      notBefore: new Date(Date.now() - 30_000),
      notAfter,
      publicKey: parsed.publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ],
    });
    const serialNumber = serial.match(/../g)!.join(':');
    serials.push(serialNumber);
    json(res, 201, {
      certificate: leaf.toString('pem'),
      caChain: [ca.toString('pem')],
      serialNumber,
      expiresAt: notAfter.toISOString(),
      username,
      groups,
      clusters,
      warnings: [],
    });
  }

  return {
    serials,
    routes: {
      'GET /identity': (_r: SeenRequest, res: ServerResponse) =>
        json(res, 200, {
          username,
          groups,
          defaultTtlSeconds: 3600,
          maxTtlSeconds: 7200,
        }),
      'POST /certificates': (r: SeenRequest, res: ServerResponse) => {
        sign(r, res).catch(e =>
          json(res, 500, { error: { message: String(e) } }),
        );
      },
    },
  };
}

/**
 * A private CA and a serving certificate for 127.0.0.1 signed by it: a
 * backend behind a company CA that Node does not trust by default.
 */
export async function createPrivateTlsServer(): Promise<{
  caPem: string;
  keyPem: string;
  certPem: string;
}> {
  x509.cryptoProvider.set(webcrypto as Crypto);
  const params = { name: 'ECDSA', namedCurve: 'P-256' };
  const caKeys = (await webcrypto.subtle.generateKey(params, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '02',
    name: [{ CN: ['Acme private CA'] }],
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86400_000),
    keys: caKeys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const keys = (await webcrypto.subtle.generateKey(params, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '03',
    subject: [{ CN: ['backstage.acme.internal'] }],
    issuer: ca.subjectName.toJSON(),
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86400_000),
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    caPem: ca.toString('pem'),
    certPem: cert.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}
