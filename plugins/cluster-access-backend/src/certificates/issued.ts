import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { BadGatewayError } from '../lib/errors';
import { duplicateProblems, extensionProblems, OID } from './extensions';
import { normalizeSerial } from './pem';
import { nativePublicKey, verifySignatureNatively } from './signatures';

// What a signer may add on its own besides the usages: key identifiers and
// where to fetch the issuer and CRL (Vault adds those with config/urls).
const SIGNER_EXTENSIONS = [
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.authorityInfoAccess,
  OID.crlDistributionPoints,
];
// Signers round NotAfter to whole seconds and clocks drift a little.
const CLOCK_SKEW_MS = 60_000;
const MAX_CHAIN_LENGTH = 8;

function equalBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

// The ASN.1 each certificate was built on: its signature algorithm and
// signed bytes, for verifySignatureNatively.
const asnOf = new WeakMap<x509.X509Certificate, Certificate>();

// The keys of trust anchors, imported for WebCrypto once per signature
// algorithm rather than on every request.
const anchorKeys = new WeakMap<x509.X509Certificate, Map<string, CryptoKey>>();

async function verifyingKey(
  cert: x509.X509Certificate,
  issuer: x509.X509Certificate,
  anchor: boolean,
): Promise<x509.PublicKey | CryptoKey> {
  if (!anchor) return issuer.publicKey;
  const algorithm = {
    ...issuer.publicKey.algorithm,
    ...cert.signatureAlgorithm,
  } as Algorithm;
  const id = JSON.stringify(algorithm);
  let keys = anchorKeys.get(issuer);
  if (!keys) {
    keys = new Map();
    anchorKeys.set(issuer, keys);
  }
  let key = keys.get(id);
  if (!key) {
    key = await issuer.publicKey.export(algorithm, ['verify']);
    keys.set(id, key);
  }
  return key;
}

// The same for OpenSSL: a trust anchor's key, made once.
const nativeAnchorKeys = new WeakMap<
  x509.X509Certificate,
  ReturnType<typeof nativePublicKey>
>();

function nativeKey(issuer: x509.X509Certificate, anchor: boolean) {
  if (!anchor) return issuer.publicKey.rawData;
  if (!nativeAnchorKeys.has(issuer)) {
    nativeAnchorKeys.set(issuer, nativePublicKey(issuer.publicKey.rawData));
  }
  return nativeAnchorKeys.get(issuer) ?? issuer.publicKey.rawData;
}

async function signedBy(
  cert: x509.X509Certificate,
  issuer: x509.X509Certificate,
  anchor = false,
): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  try {
    const asn = asnOf.get(cert);
    const verified =
      asn &&
      verifySignatureNatively({
        algorithm: asn.signatureAlgorithm,
        key: nativeKey(issuer, anchor),
        data: asn.tbsCertificateRaw ?? AsnConvert.serialize(asn.tbsCertificate),
        signature: asn.signatureValue,
      });
    if (verified !== undefined) return verified;
    return await cert.verify({
      publicKey: await verifyingKey(cert, issuer, anchor),
      signatureOnly: true,
    });
  } catch {
    return false;
  }
}


/** Parses a PEM certificate once, keeping its ASN.1; throws if it is none. */
function parseCertificate(pem: string): x509.X509Certificate {
  const asn = AsnConvert.parse(x509.PemConverter.decodeFirst(pem), Certificate);
  const cert = new x509.X509Certificate(asn);
  asnOf.set(cert, asn);
  return cert;
}

function parseAll(pems: string[]): x509.X509Certificate[] {
  return pems.flatMap(pem => {
    try {
      return [parseCertificate(pem)];
    } catch {
      return [];
    }
  });
}

// Trust anchors are the same few certificates on every request; parsing
// ASN.1 is most of the cost of the checks, so keep them parsed.
const anchorCache = new Map<string, x509.X509Certificate[]>();

function parseAnchors(pems: string[]): x509.X509Certificate[] {
  const key = pems.join('\n');
  let parsed = anchorCache.get(key);
  if (!parsed) {
    parsed = parseAll(pems);
    if (anchorCache.size >= 16) anchorCache.clear();
    anchorCache.set(key, parsed);
  }
  return parsed;
}

/**
 * Walks from the leaf through the signer's chain until a trust anchor
 * verifies a link; true when one does.
 */
async function chainsTo(
  leaf: x509.X509Certificate,
  chainPems: string[],
  anchors: x509.X509Certificate[],
): Promise<boolean> {
  let current = leaf;
  let chain: x509.X509Certificate[] | undefined;
  for (let depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
    for (const anchor of anchors) {
      if (await signedBy(current, anchor, true)) return true;
    }
    // Usually the leaf's issuer is an anchor; only parse the chain when not.
    chain ??= parseAll(chainPems);
    let next: x509.X509Certificate | undefined;
    for (const candidate of chain) {
      if (
        !equalBytes(candidate.rawData, current.rawData) &&
        (await signedBy(current, candidate))
      ) {
        next = candidate;
        break;
      }
    }
    if (!next) return false;
    current = next;
  }
  return false;
}

/**
 * What a checked certificate says, for the response and the store.
 *
 * @public
 */
export interface CheckedCertificate {
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/** Problems of the subject: exactly one CN, the O values, nothing else. */
function subjectProblems(
  cert: x509.X509Certificate,
  username: string,
  groups: string[],
): string[] {
  const problems: string[] = [];
  // Every reader agrees on a subject with one CN; kube-apiserver would take
  // the last of several.
  const cns = cert.subjectName.getField('CN');
  if (cns.length !== 1 || cns[0] !== username) {
    problems.push(`its CN is ${JSON.stringify(cns)}, not '${username}'`);
  }
  const os = [...cert.subjectName.getField('O')].sort();
  const wanted = [...groups].sort();
  if (os.length !== wanted.length || os.some((o, i) => o !== wanted[i])) {
    problems.push(
      `its O values ${JSON.stringify(os)} are not the groups ${JSON.stringify(
        wanted,
      )}`,
    );
  }
  const others = cert.subjectName
    .toJSON()
    .flatMap(rdn => Object.keys(rdn))
    .filter(t => t !== 'CN' && t !== 'O');
  if (others.length) {
    problems.push(`its subject also has ${others.join(', ')}`);
  }
  return problems;
}

/**
 * Problems of the extensions: exactly the clientAuth extended key usage, a
 * key usage within digitalSignature (+ keyEncipherment for RSA), no CA, and
 * nothing outside the allow-list (no subject alternative names).
 */
function extensionListProblems(
  cert: x509.X509Certificate,
  keyType: 'ec' | 'rsa',
): string[] {
  const problems = duplicateProblems(cert.extensions, 'it has');
  for (const ext of cert.extensions) {
    problems.push(
      ...extensionProblems(ext, {
        keyType,
        subject: 'it has',
        extraAllowed: SIGNER_EXTENSIONS,
      }),
    );
  }
  const types = new Set(cert.extensions.map(e => e.type));
  if (!types.has(OID.extKeyUsage)) {
    problems.push('it lacks the clientAuth extended key usage');
  }
  if (!types.has(OID.keyUsage)) {
    problems.push('it has no key usage extension');
  }
  return problems;
}

/**
 * Checks a certificate the signer returned before anyone gets it: the CSR's
 * key; CN = username, O = the groups, nothing else in the subject; extended
 * key usage exactly clientAuth; key usage within digitalSignature (+
 * keyEncipherment for RSA); not a CA; no extension outside the allow-list
 * (so no subject alternative names); NotAfter within the cap; a chain to one
 * of the trust anchors. Throws a 502 naming every problem: a signer that
 * returns something else is broken or compromised, and the certificate must
 * not be used.
 *
 * @public
 */
export async function checkIssuedCertificate(options: {
  certificatePem: string;
  caChainPems: string[];
  trustAnchorPems: string[];
  username: string;
  groups: string[];
  publicKeyDer: ArrayBuffer;
  /** Key type of the CSR, for the key usages allowed. */
  keyType: 'ec' | 'rsa';
  /** The serial number the signer reported. */
  serialNumber: string;
  /** Latest acceptable NotAfter. */
  notAfterLimit: Date;
  now?: Date;
}): Promise<CheckedCertificate> {
  let cert: x509.X509Certificate;
  try {
    cert = parseCertificate(options.certificatePem);
  } catch {
    throw new BadGatewayError(
      'The signer returned something that is not an X.509 certificate',
    );
  }
  const problems: string[] = [];
  const now = options.now ?? new Date();

  const serialNumber = normalizeSerial(cert.serialNumber) ?? cert.serialNumber;
  if (normalizeSerial(options.serialNumber) !== serialNumber) {
    problems.push(
      `its serial number ${serialNumber} is not the reported ${options.serialNumber}`,
    );
  }
  if (!equalBytes(cert.publicKey.rawData, options.publicKeyDer)) {
    problems.push('its public key is not the one in the CSR');
  }
  problems.push(...subjectProblems(cert, options.username, options.groups));
  problems.push(...extensionListProblems(cert, options.keyType));
  if (
    cert.notAfter.getTime() >
    options.notAfterLimit.getTime() + CLOCK_SKEW_MS
  ) {
    problems.push(
      `its NotAfter ${cert.notAfter.toISOString()} is beyond the allowed ${options.notAfterLimit.toISOString()}`,
    );
  }
  if (cert.notAfter.getTime() <= now.getTime()) {
    problems.push('it has already expired');
  }
  const anchors = parseAnchors(options.trustAnchorPems);
  if (!(await chainsTo(cert, options.caChainPems, anchors))) {
    problems.push('it does not chain to the configured CA');
  }
  if (problems.length) {
    throw new BadGatewayError(
      `The signer returned a certificate that fails the checks: ${problems.join(
        '; ',
      )}`,
    );
  }
  return {
    serialNumber,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}
