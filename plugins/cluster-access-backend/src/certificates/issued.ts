import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { BadGatewayError } from '../errors';
import { normalizeSerial } from './pem';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
// Signers round NotAfter to whole seconds and clocks drift a little.
const CLOCK_SKEW_MS = 60_000;
const MAX_CHAIN_LENGTH = 8;

function equalBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

async function signedBy(
  cert: x509.X509Certificate,
  issuer: x509.X509Certificate,
): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return await cert.verify({
      publicKey: issuer.publicKey,
      signatureOnly: true,
    });
  } catch {
    return false;
  }
}

function parseAll(pems: string[]): x509.X509Certificate[] {
  return pems.flatMap(pem => {
    try {
      return [new x509.X509Certificate(pem)];
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
      if (await signedBy(current, anchor)) return true;
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

/**
 * Checks a certificate the signer returned before anyone gets it: the CSR's
 * key, CN = username, O = the groups, the clientAuth usage, not a CA,
 * NotAfter within the cap, and a chain to one of the trust anchors. Throws a
 * 502 naming every problem: a signer that returns something else is broken
 * or compromised, and the certificate must not be used.
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
  /** The serial number the signer reported. */
  serialNumber: string;
  /** Latest acceptable NotAfter. */
  notAfterLimit: Date;
  now?: Date;
}): Promise<CheckedCertificate> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(options.certificatePem);
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
  const cns = cert.subjectName.getField('CN');
  if (cns.length !== 1 || cns[0] !== options.username) {
    problems.push(
      `its CN is ${JSON.stringify(cns)}, not '${options.username}'`,
    );
  }
  const os = [...cert.subjectName.getField('O')].sort();
  const groups = [...options.groups].sort();
  if (os.length !== groups.length || os.some((o, i) => o !== groups[i])) {
    problems.push(
      `its O values ${JSON.stringify(os)} are not the groups ${JSON.stringify(
        groups,
      )}`,
    );
  }
  const subjectTypes = cert.subjectName
    .toJSON()
    .flatMap(rdn => Object.keys(rdn))
    .filter(t => t !== 'CN' && t !== 'O');
  if (subjectTypes.length) {
    problems.push(`its subject also has ${subjectTypes.join(', ')}`);
  }
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  if (!eku || !eku.usages.map(String).includes(CLIENT_AUTH)) {
    problems.push('it lacks the clientAuth extended key usage');
  }
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  if (basic?.ca) {
    problems.push('it is a CA certificate');
  }
  if (cert.getExtension('2.5.29.17')) {
    problems.push('it has subject alternative names');
  }
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
