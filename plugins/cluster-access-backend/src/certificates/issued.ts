import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { BadGatewayError } from '../lib/errors';
import { arrayBufferOf, DerError } from './der';
import { duplicateProblems, extensionProblems, OID } from './extensions';
import { normalizeSerial } from './pem';
import { nativePublicKey, verifySignatureNatively } from './signatures';
import { CertificateFacts, goRefusal, readCertificate } from './x509Der';

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
const NOT_A_CERTIFICATE =
  'The signer returned something that is not an X.509 certificate';

// @peculiar/x509's view of a certificate, made only for what the strict
// reading does not cover: WebCrypto signatures and odd names.
const libraryViews = new WeakMap<CertificateFacts, x509.X509Certificate>();

function libraryView(cert: CertificateFacts): x509.X509Certificate {
  let view = libraryViews.get(cert);
  if (!view) {
    view = new x509.X509Certificate(arrayBufferOf(cert.der));
    libraryViews.set(cert, view);
  }
  return view;
}

// The keys of trust anchors, imported for WebCrypto once per signature
// algorithm rather than on every request.
const anchorKeys = new WeakMap<CertificateFacts, Map<string, CryptoKey>>();

async function verifyingKey(
  cert: x509.X509Certificate,
  issuerFacts: CertificateFacts,
  anchor: boolean,
): Promise<x509.PublicKey | CryptoKey> {
  const issuer = libraryView(issuerFacts);
  if (!anchor) return issuer.publicKey;
  const algorithm = {
    ...issuer.publicKey.algorithm,
    ...cert.signatureAlgorithm,
  } as Algorithm;
  const id = JSON.stringify(algorithm);
  let keys = anchorKeys.get(issuerFacts);
  if (!keys) {
    keys = new Map();
    anchorKeys.set(issuerFacts, keys);
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
  CertificateFacts,
  ReturnType<typeof nativePublicKey>
>();

function nativeKey(issuer: CertificateFacts, anchor: boolean) {
  if (!anchor) return issuer.spkiDer;
  if (!nativeAnchorKeys.has(issuer)) {
    nativeAnchorKeys.set(
      issuer,
      nativePublicKey(arrayBufferOf(issuer.spkiDer)),
    );
  }
  return nativeAnchorKeys.get(issuer) ?? issuer.spkiDer;
}

/** A Name as @peculiar/x509 prints it; undefined if it cannot. */
function nameText(der: Buffer): string | undefined {
  try {
    return new x509.Name(arrayBufferOf(der)).toString();
  } catch {
    return undefined;
  }
}

/** The issuer's name is the certificate's issuer, as text at least. */
function namesIssuer(cert: CertificateFacts, issuer: CertificateFacts) {
  if (cert.issuerDer.equals(issuer.subjectDer)) return true;
  const text = nameText(cert.issuerDer);
  return text !== undefined && text === nameText(issuer.subjectDer);
}

async function signedBy(
  cert: CertificateFacts,
  issuer: CertificateFacts,
  anchor = false,
): Promise<boolean> {
  try {
    if (!namesIssuer(cert, issuer)) return false;
    const verified = verifySignatureNatively({
      algorithm: cert.signatureAlgorithm,
      key: nativeKey(issuer, anchor),
      data: cert.tbsDer,
      signature: cert.signature,
    });
    if (verified !== undefined) return verified;
    const view = libraryView(cert);
    return await view.verify({
      publicKey: await verifyingKey(view, issuer, anchor),
      signatureOnly: true,
    });
  } catch {
    return false;
  }
}

/**
 * A certificate the libraries read but kube-apiserver (Go's crypto/x509)
 * would refuse, with what is wrong: a 502 like the other failed checks.
 */
class GoRefusedCertificateError extends BadGatewayError {}

/**
 * The certificate as the ASN.1 libraries read it, for what the strict
 * reader refuses; what Go would refuse (BER, names it cannot read) is
 * refused, naming it.
 */
function libraryParse(der: Buffer): CertificateFacts {
  const asn = AsnConvert.parse(der, Certificate);
  // As the checks used to: the library must read it as a certificate.
  const cert = new x509.X509Certificate(asn);
  const refusal = goRefusal(der, 'certificate');
  if (refusal) {
    throw new GoRefusedCertificateError(
      refusal.name
        ? `The signer returned a certificate whose ${refusal.name} Kubernetes (Go) cannot read: ${refusal.reason}`
        : `The signer returned a certificate that is not DER-encoded: it has ${refusal.reason}`,
    );
  }
  const tbs = asn.tbsCertificate;
  return {
    der,
    version: tbs.version,
    algorithmsMatch: Buffer.from(AsnConvert.serialize(tbs.signature)).equals(
      Buffer.from(AsnConvert.serialize(asn.signatureAlgorithm)),
    ),
    tbsDer: Buffer.from(asn.tbsCertificateRaw ?? AsnConvert.serialize(tbs)),
    serial: Buffer.from(tbs.serialNumber),
    issuerDer: Buffer.from(AsnConvert.serialize(tbs.issuer)),
    subjectDer: Buffer.from(AsnConvert.serialize(tbs.subject)),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    spkiDer: Buffer.from(cert.publicKey.rawData),
    extensions: (tbs.extensions ?? []).map(ext => ({
      type: ext.extnID,
      critical: ext.critical,
      value: Buffer.from(ext.extnValue.buffer),
      der: Buffer.from(AsnConvert.serialize(ext)),
    })),
    signatureAlgorithm: asn.signatureAlgorithm,
    signature: Buffer.from(asn.signatureValue),
  };
}

/**
 * Parses a PEM certificate once: strictly in place, or as the libraries
 * read it when the strict reader refuses; throws if it is no certificate.
 */
function parseCertificate(pem: string): CertificateFacts {
  const der = Buffer.from(x509.PemConverter.decodeFirst(pem));
  try {
    return readCertificate(der);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
  }
  return libraryParse(der);
}

function parseAll(pems: string[]): CertificateFacts[] {
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
const anchorCache = new Map<string, CertificateFacts[]>();

function parseAnchors(pems: string[]): CertificateFacts[] {
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
  leaf: CertificateFacts,
  chainPems: string[],
  anchors: CertificateFacts[],
): Promise<boolean> {
  let current = leaf;
  let chain: CertificateFacts[] | undefined;
  for (let depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
    for (const anchor of anchors) {
      if (await signedBy(current, anchor, true)) return true;
    }
    // Usually the leaf's issuer is an anchor; only parse the chain when not.
    chain ??= parseAll(chainPems);
    let next: CertificateFacts | undefined;
    for (const candidate of chain) {
      if (
        !candidate.der.equals(current.der) &&
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
 * @internal
 */
export interface CheckedCertificate {
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/** CN values, O values and the names of other attribute types. */
function subjectReading(cert: CertificateFacts): {
  cns: string[];
  os: string[];
  others: string[];
} {
  const atvs = cert.subject?.flat();
  if (
    atvs?.every(
      atv =>
        (atv.type === OID.commonName || atv.type === OID.organization) &&
        atv.value !== undefined,
    )
  ) {
    const valuesOf = (type: string) =>
      atvs.filter(atv => atv.type === type).map(atv => atv.value as string);
    return {
      cns: valuesOf(OID.commonName),
      os: valuesOf(OID.organization),
      others: [],
    };
  }
  // Other attributes or string types: as @peculiar/x509 names and prints them.
  try {
    const name = new x509.Name(arrayBufferOf(cert.subjectDer));
    return {
      cns: name.getField('CN'),
      os: name.getField('O'),
      others: name
        .toJSON()
        .flatMap(rdn => Object.keys(rdn))
        .filter(t => t !== 'CN' && t !== 'O'),
    };
  } catch {
    // e.g. a BMPString of odd length: the library reading of the whole
    // certificate refuses it.
    throw new BadGatewayError(NOT_A_CERTIFICATE);
  }
}

/** Problems of the subject: exactly one CN, the O values, nothing else. */
function subjectProblems(
  cert: CertificateFacts,
  username: string,
  groups: string[],
): string[] {
  const problems: string[] = [];
  const subject = subjectReading(cert);
  // Every reader agrees on a subject with one CN; kube-apiserver would take
  // the last of several.
  const cns = subject.cns;
  if (cns.length !== 1 || cns[0] !== username) {
    problems.push(`its CN is ${JSON.stringify(cns)}, not '${username}'`);
  }
  const os = [...subject.os].sort();
  const wanted = [...groups].sort();
  if (os.length !== wanted.length || os.some((o, i) => o !== wanted[i])) {
    problems.push(
      `its O values ${JSON.stringify(os)} are not the groups ${JSON.stringify(
        wanted,
      )}`,
    );
  }
  if (subject.others.length) {
    problems.push(`its subject also has ${subject.others.join(', ')}`);
  }
  return problems;
}

/**
 * Problems of the extensions: exactly the clientAuth extended key usage, a
 * key usage within digitalSignature (+ keyEncipherment for RSA), no CA, and
 * nothing outside the allow-list (no subject alternative names).
 */
function extensionListProblems(
  cert: CertificateFacts,
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
 * @internal
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
  let cert: CertificateFacts;
  try {
    cert = parseCertificate(options.certificatePem);
  } catch (error) {
    if (error instanceof GoRefusedCertificateError) throw error;
    throw new BadGatewayError(NOT_A_CERTIFICATE);
  }
  const problems: string[] = [];
  const now = options.now ?? new Date();

  const serialHex = cert.serial.toString('hex');
  const serialNumber = normalizeSerial(serialHex) ?? serialHex;
  if (normalizeSerial(options.serialNumber) !== serialNumber) {
    problems.push(
      `its serial number ${serialNumber} is not the reported ${options.serialNumber}`,
    );
  }
  if (!cert.spkiDer.equals(Buffer.from(options.publicKeyDer))) {
    problems.push('its public key is not the one in the CSR');
  }
  // What kube-apiserver (Go's crypto/x509) would refuse or read otherwise:
  // a v1/v2 certificate's extensions are ignored there.
  if (cert.version !== 2) {
    problems.push(`it is an X.509 v${cert.version + 1} certificate, not v3`);
  }
  if (!cert.algorithmsMatch) {
    problems.push(
      'its signature algorithm is not the one its TBSCertificate names',
    );
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
    // As for a CSR: what the libraries cannot read is refused as such
    // (`subject` is there when the strict reader read the certificate).
    if (cert.subject) {
      try {
        libraryParse(cert.der);
      } catch {
        throw new BadGatewayError(NOT_A_CERTIFICATE);
      }
    }
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
