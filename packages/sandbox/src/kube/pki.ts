import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

/*
 * ECDSA P-256 everywhere: key generation is near-instant (RSA would add hundreds of
 * milliseconds per peer start on a 2-core machine) and both Go's crypto/tls (kubectl) and
 * Node's TLS stack accept it for serving and client certificates.
 */
const keyAlgorithm: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' };
const crypto = webcrypto as unknown as Crypto;

/** A certificate authority held in memory: its certificate and signing key. */
export interface CertificateAuthority {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
  certificatePem: string;
}

/** A PEM certificate with its PEM (PKCS#8) private key. */
export interface CertificateAndKey {
  certificatePem: string;
  privateKeyPem: string;
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join(
    '\n',
  )}\n-----END ${label}-----\n`;
}

async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  return toPem(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(keyAlgorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

function randomSerial(): string {
  // A positive 16-byte serial: the top bit cleared so DER does not read it as negative.
  const bytes = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return bytes.toString('hex');
}

function nameOf(commonName: string, organizations: string[] = []) {
  return [
    ...organizations.map(o => ({ O: [o] })),
    { CN: [commonName] },
  ] as x509.JsonName;
}

/** Creates a self-signed CA that can sign serving and client certificates. */
export async function createCertificateAuthority(options: {
  commonName: string;
  validityDays?: number;
}): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: nameOf(options.commonName),
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + (options.validityDays ?? 365) * 86_400_000),
      keys,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign |
            x509.KeyUsageFlags.cRLSign |
            x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(
          keys.publicKey,
          false,
          crypto,
        ),
      ],
    },
    crypto,
  );
  return { certificate, keys, certificatePem: certificate.toString('pem') };
}

/** Issues a leaf certificate (fresh key pair) signed by `ca`. */
export async function issueLeafCertificate(options: {
  ca: CertificateAuthority;
  commonName: string;
  organizations?: string[];
  usage: 'server' | 'client';
  dnsNames?: string[];
  ipAddresses?: string[];
  ttlSeconds?: number;
  notBefore?: Date;
  /** Replaces the subject built from `commonName` and `organizations`. */
  subject?: x509.JsonName;
}): Promise<CertificateAndKey> {
  const keys = await generateKeys();
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = new Date(
    notBefore.getTime() + 60_000 + (options.ttlSeconds ?? 86_400) * 1000,
  );
  const sans: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map(value => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map(value => ({
      type: 'ip' as const,
      value,
    })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(
      [
        options.usage === 'server'
          ? x509.ExtendedKeyUsage.serverAuth
          : x509.ExtendedKeyUsage.clientAuth,
      ],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(
      options.ca.certificate,
      false,
      crypto,
    ),
  ];
  if (sans.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
  }
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject:
        options.subject ?? nameOf(options.commonName, options.organizations),
      issuer: options.ca.certificate.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: options.ca.keys.privateKey,
      signingAlgorithm,
      extensions,
    },
    crypto,
  );
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: await exportPrivateKeyPem(keys.privateKey),
  };
}

/** A test client-certificate authority, see {@link createClientCertificateAuthority}. */
export interface ClientCertificateAuthority {
  /** The CA certificate; hand it to the peer as a client CA (`clientCaPems` or `addClientCa`). */
  caPem: string;
  /** Issues a client certificate (EKU clientAuth) for `CN=commonName, O=…organizations`. */
  issueClientCertificate(options: {
    commonName: string;
    organizations?: string[];
    ttlSeconds?: number;
    /** Defaults to one minute ago; set it in the future or past to test validity checks. */
    notBefore?: Date;
    /** Replaces the subject, e.g. to test how subjects with several CNs are read. */
    subject?: x509.JsonName;
  }): Promise<CertificateAndKey>;
}

/**
 * Creates an in-memory CA for issuing Kubernetes client certificates (user = CN, groups = O),
 * the way a cluster's client CA or Vault's PKI would, for tests and the demo.
 */
export async function createClientCertificateAuthority(options?: {
  commonName?: string;
}): Promise<ClientCertificateAuthority> {
  const ca = await createCertificateAuthority({
    commonName: options?.commonName ?? 'sandbox-client-ca',
  });
  return {
    caPem: ca.certificatePem,
    issueClientCertificate: o =>
      issueLeafCertificate({
        ca,
        commonName: o.commonName,
        organizations: o.organizations,
        usage: 'client',
        ttlSeconds: o.ttlSeconds,
        notBefore: o.notBefore,
        subject: o.subject,
      }),
  };
}

/** Parses every certificate in a PEM bundle. */
export function parseCertificates(pem: string): x509.X509Certificate[] {
  const blocks =
    pem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? [];
  return blocks.map(b => new x509.X509Certificate(b));
}

/** The identity carried by a verified client certificate. */
export interface CertificateIdentity {
  commonName: string;
  organizations: string[];
}

async function signedBy(
  cert: x509.X509Certificate,
  issuer: x509.X509Certificate,
): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return await cert.verify(
      { publicKey: issuer.publicKey, signatureOnly: true },
      crypto,
    );
  } catch {
    return false;
  }
}

function withinValidity(cert: x509.X509Certificate, now: Date): boolean {
  return cert.notBefore <= now && now <= cert.notAfter;
}

function isCa(cert: x509.X509Certificate): boolean {
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  return !!bc?.ca;
}

/**
 * Verifies a presented client certificate chain the way kube-apiserver's x509 authenticator
 * does: the leaf (possibly via presented intermediates) must chain to a trusted CA, every link
 * must be within validity, and the leaf must allow clientAuth. Returns the identity, or a
 * reason string when it does not verify.
 */
export async function verifyClientCertificate(options: {
  leafDer: Buffer;
  intermediatesDer?: Buffer[];
  trusted: x509.X509Certificate[];
  now?: Date;
}): Promise<CertificateIdentity | { error: string }> {
  const now = options.now ?? new Date();
  let leaf: x509.X509Certificate;
  try {
    leaf = new x509.X509Certificate(new Uint8Array(options.leafDer));
  } catch {
    return { error: 'unparseable client certificate' };
  }
  if (!withinValidity(leaf, now)) {
    return { error: 'client certificate has expired or is not yet valid' };
  }
  const eku = leaf.getExtension(x509.ExtendedKeyUsageExtension);
  if (
    eku &&
    !eku.usages.includes(x509.ExtendedKeyUsage.clientAuth) &&
    !eku.usages.includes('2.5.29.37.0') // anyExtendedKeyUsage
  ) {
    return { error: 'client certificate does not allow clientAuth' };
  }
  if (!eku) {
    // Go's verifier (used by kube-apiserver) accepts a leaf without EKU for any usage, but the
    // peer is stricter on purpose: Cluster Access always issues clientAuth certificates.
    return { error: 'client certificate has no extended key usage clientAuth' };
  }
  const intermediates = (options.intermediatesDer ?? []).flatMap(der => {
    try {
      return [new x509.X509Certificate(new Uint8Array(der))];
    } catch {
      return [];
    }
  });

  // Depth-limited search from the leaf up through presented intermediates to a trusted CA.
  const chains = async (
    cert: x509.X509Certificate,
    depth: number,
  ): Promise<boolean> => {
    for (const root of options.trusted) {
      if (withinValidity(root, now) && (await signedBy(cert, root))) {
        return true;
      }
    }
    if (depth >= 4) return false;
    for (const mid of intermediates) {
      if (
        mid !== cert &&
        isCa(mid) &&
        withinValidity(mid, now) &&
        (await signedBy(cert, mid)) &&
        (await chains(mid, depth + 1))
      ) {
        return true;
      }
    }
    return false;
  };
  if (!(await chains(leaf, 0))) {
    return { error: 'client certificate is not signed by a trusted client CA' };
  }
  // x509.go's CommonNameUserConversion reads Go's pkix.Name, whose
  // FillFromRDNSequence overwrites CommonName with every CN (the last one
  // wins) and appends every O, in order.
  const commonName = leaf.subjectName.getField('CN').pop() ?? '';
  if (!commonName) {
    return { error: 'client certificate has no common name' };
  }
  return { commonName, organizations: leaf.subjectName.getField('O') };
}
