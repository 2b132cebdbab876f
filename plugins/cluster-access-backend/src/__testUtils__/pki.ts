import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, randomBytes, sign, webcrypto } from 'node:crypto';

/** Key kinds the tests make. */
export type TestKeyKind =
  | 'ec-p256'
  | 'ec-p384'
  | 'ec-p521'
  | 'rsa-1024'
  | 'rsa-2048';

const ALGORITHMS: Record<
  TestKeyKind,
  { gen: EcKeyGenParams | RsaHashedKeyGenParams; sign: Algorithm | EcdsaParams }
> = {
  'ec-p256': {
    gen: { name: 'ECDSA', namedCurve: 'P-256' },
    sign: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  },
  'ec-p384': {
    gen: { name: 'ECDSA', namedCurve: 'P-384' },
    sign: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams,
  },
  'ec-p521': {
    gen: { name: 'ECDSA', namedCurve: 'P-521' },
    sign: { name: 'ECDSA', hash: 'SHA-512' } as EcdsaParams,
  },
  'rsa-1024': {
    gen: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 1024,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  'rsa-2048': {
    gen: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
};

/** A key pair and how to sign with it. */
export interface TestKeys {
  kind: TestKeyKind;
  keys: CryptoKeyPair;
  signingAlgorithm: Algorithm | EcdsaParams;
}

const keyCache = new Map<TestKeyKind, Promise<TestKeys>>();

/** A key pair of the given kind; RSA keys are cached per kind (slow to make). */
export function testKeys(kind: TestKeyKind = 'ec-p256', fresh = false) {
  const make = async (): Promise<TestKeys> => ({
    kind,
    keys: (await webcrypto.subtle.generateKey(ALGORITHMS[kind].gen, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair,
    signingAlgorithm: ALGORITHMS[kind].sign,
  });
  if (fresh) return make();
  if (!keyCache.has(kind)) keyCache.set(kind, make());
  return keyCache.get(kind)!;
}

/** A PEM CSR with the given subject RDNs and extensions. */
export async function createCsr(options: {
  subject: x509.JsonName | x509.Name;
  keys?: TestKeys;
  extensions?: x509.Extension[];
  attributes?: x509.Attribute[];
}): Promise<string> {
  const keys = options.keys ?? (await testKeys());
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: options.subject,
    keys: keys.keys,
    signingAlgorithm: keys.signingAlgorithm,
    extensions: options.extensions,
    attributes: options.attributes,
  });
  return csr.toString('pem');
}

/**
 * A CSR whose first extensionRequest attribute is harmless and whose second
 * asks for a server, OCSP-signing and CA-signing certificate: what a parser
 * that reads only the first attribute lets through, and what Vault (Go)
 * merges into the certificate.
 */
export async function createSmugglingCsr(options: {
  subject: x509.JsonName;
  keys?: TestKeys;
}): Promise<string> {
  return createCsr({
    ...options,
    attributes: [
      new x509.ExtensionsAttribute([new x509.BasicConstraintsExtension(false)]),
      new x509.ExtensionsAttribute([
        new x509.ExtendedKeyUsageExtension([
          x509.ExtendedKeyUsage.serverAuth,
          x509.ExtendedKeyUsage.ocspSigning,
        ]),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign,
          true,
        ),
      ]),
    ],
  });
}

/** The subject a client must use: CN=username, one O per group. */
export function clientSubject(
  username: string,
  groups: string[],
): x509.JsonName {
  return [{ CN: [username] }, ...groups.map(g => ({ O: [g] }))];
}

/** The same CSR with one signature bit flipped. */
export function withBrokenSignature(csrPem: string): string {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  const der = Buffer.from(csr.rawData);
  // The signature BIT STRING is the last element of the DER.
  der[der.length - 1] ^= 0x01;
  return x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
}

/** A self-signed CA that can sign leaves, for fake signers. */
export interface TestCa {
  pem: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  /** Signs a leaf for the CSR's key with the given subject and usages. */
  sign(options: {
    csrPem: string;
    subject?: x509.JsonName;
    notAfter: Date;
    extendedKeyUsages?: string[];
    keyUsages?: number;
    ca?: boolean;
    extraExtensions?: x509.Extension[];
  }): Promise<{ pem: string; serialNumber: string }>;
}

/** Makes a {@link TestCa}. */
export async function createTestCa(name = 'Test CA'): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(
    { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: [{ CN: [name] }],
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * 86400_000),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });
  return {
    pem: cert.toString('pem'),
    cert,
    keys,
    async sign(options) {
      const csr = new x509.Pkcs10CertificateRequest(options.csrPem);
      const serial = randomBytes(16)
        .toString('hex')
        .replace(/^[89a-f]/, '1');
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: serial,
        subject: options.subject ?? csr.subjectName.toJSON(),
        issuer: cert.subjectName.toJSON(),
        notBefore: new Date(Date.now() - 30_000),
        notAfter: options.notAfter,
        publicKey: csr.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
        extensions: [
          new x509.KeyUsagesExtension(
            options.keyUsages ?? x509.KeyUsageFlags.digitalSignature,
            true,
          ),
          new x509.ExtendedKeyUsageExtension(
            options.extendedKeyUsages ?? [x509.ExtendedKeyUsage.clientAuth],
          ),
          ...(options.ca !== undefined
            ? [new x509.BasicConstraintsExtension(options.ca)]
            : []),
          ...(options.extraExtensions ?? []),
        ],
      });
      return {
        pem: leaf.toString('pem'),
        serialNumber: serial.match(/../g)!.join(':'),
      };
    },
  };
}

/** Bytes written in hex; whitespace is ignored. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s/g, ''), 'hex');
}

/** One DER element: the tag, the length in its shortest form, the contents. */
export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const contents = Buffer.concat(parts);
  const n = contents.length;
  let length = n < 0x80 ? [n] : [0x81, n];
  if (n > 0xff) length = [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), contents]);
}

/**
 * A CSR or certificate made of these to-be-signed bytes and the outer
 * AlgorithmIdentifier's DER, signed again with the key, so that odd
 * encodings inside the signed part still carry a valid signature.
 */
export function resignedDer(options: {
  tbs: Buffer;
  algorithm: Buffer;
  privateKey: CryptoKey;
  hash?: string;
}): Buffer {
  const signature = sign(
    options.hash ?? 'sha256',
    options.tbs,
    KeyObject.from(options.privateKey),
  );
  return tlv(
    0x30,
    options.tbs,
    options.algorithm,
    tlv(0x03, Buffer.from([0]), signature),
  );
}
