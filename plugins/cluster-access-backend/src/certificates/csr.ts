import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Extensions } from '@peculiar/asn1-x509';
import { InputError } from '@backstage/errors';
import { arrayBufferOf, DerError, readDer } from './der';
import { duplicateProblems, extensionProblems, OID } from './extensions';
import {
  CsrFacts,
  ExtensionFacts,
  goRefusal,
  NameRdns,
  readCsr,
  readExtensionList,
} from './x509Der';
import { describeKey } from './keys';
import { verifySignatureNatively } from './signatures';

const ATTRIBUTE_NAMES: Record<string, string> = {
  '1.2.840.113549.1.9.7': 'challengePassword',
  '1.2.840.113549.1.9.2': 'unstructuredName',
};

const SUBJECT_TYPES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.organization]: 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/**
 * What the checks learnt about a CSR that passed everything that needs no
 * knowledge of the user's groups.
 *
 * @internal
 */
export interface ValidatedCsr {
  /** The CSR, re-encoded as PEM (the same DER bytes). */
  pem: string;
  keyType: 'ec' | 'rsa';
  /** e.g. `EC P-256`, `RSA 3072`. */
  keyDescription: string;
  /** DER SubjectPublicKeyInfo, to match the issued certificate against. */
  publicKeyDer: ArrayBuffer;
  /** The subject's O values, in order. */
  organizations: string[];
}

function invalid(problems: string[]): InputError {
  return new InputError(`Invalid csr: ${problems.join('; ')}`);
}

function decodePem(text: string): Buffer {
  const blocks = [
    ...text.matchAll(
      /-----BEGIN (NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (NEW )?CERTIFICATE REQUEST-----/g,
    ),
  ];
  if (blocks.length !== 1) {
    throw new InputError(
      blocks.length === 0
        ? 'csr is not a PEM certificate request (expected one -----BEGIN CERTIFICATE REQUEST----- block)'
        : 'csr must contain exactly one certificate request',
    );
  }
  const base64 = blocks[0][2].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new InputError('csr is not valid PEM: the body is not base64');
  }
  return Buffer.from(base64, 'base64');
}

/** Refuses, naming it, what Vault and kube-apiserver (Go) would refuse. */
function refuseWhatGoRefuses(der: Buffer): void {
  const refusal = goRefusal(der, 'csr');
  if (!refusal) return;
  throw new InputError(
    refusal.name
      ? `csr subject has a value Go (Vault, Kubernetes) cannot read: ${refusal.reason}`
      : `csr is not DER-encoded: it has ${refusal.reason}`,
  );
}

/**
 * The CSR as the ASN.1 libraries read it, for what the strict reader
 * refuses. What Go would refuse is refused first (the libraries read BER
 * and any PrintableString), and the DER must re-encode to the same bytes,
 * so that no leniency of ours can read the request differently from Go.
 */
function libraryParse(der: Buffer): CsrFacts {
  let asn: CertificationRequest;
  try {
    asn = AsnConvert.parse(der, CertificationRequest);
    // As the checks used to: the library must read it as a PKCS #10 request.
    new x509.Pkcs10CertificateRequest(asn); // eslint-disable-line no-new
  } catch {
    throw new InputError('csr is not a valid PKCS#10 certificate request');
  }
  refuseWhatGoRefuses(der);
  let canonical = false;
  try {
    canonical = Buffer.from(AsnConvert.serialize(asn)).equals(der);
  } catch {
    canonical = false;
  }
  if (!canonical) {
    throw new InputError(
      'csr is not DER-encoded: it must encode every field exactly once, in the distinguished encoding',
    );
  }
  const info = asn.certificationRequestInfo;
  return {
    infoDer: Buffer.from(
      asn.certificationRequestInfoRaw ?? AsnConvert.serialize(info),
    ),
    subject: info.subject.map(rdn =>
      rdn.map(atv => ({
        type: atv.type,
        value: atv.value.printableString ?? atv.value.utf8String,
      })),
    ),
    spkiDer: Buffer.from(AsnConvert.serialize(info.subjectPKInfo)),
    attributes: (info.attributes ?? []).map(attribute => ({
      type: attribute.type,
      values: attribute.values.map(value => Buffer.from(value)),
    })),
    signatureAlgorithm: asn.signatureAlgorithm,
    signature: Buffer.from(asn.signature),
  };
}

/**
 * Parses the CSR ourselves, attribute by attribute, rather than through a
 * library's view of it: Vault (Go's `x509.ParseCertificateRequest`) merges
 * the extensions of every extensionRequest attribute, while @peculiar/x509
 * shows only the first. The strict DER reader takes only the distinguished
 * encoding; what it refuses, the libraries read (and refuse unless it
 * re-encodes to the same bytes), with the messages they always gave.
 */
function parseDer(der: Buffer): { facts: CsrFacts; strict: boolean } {
  try {
    return { facts: readCsr(der), strict: true };
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
  }
  return { facts: libraryParse(der), strict: false };
}

async function signatureProblems(
  der: Buffer,
  facts: CsrFacts,
): Promise<string[]> {
  const verified = verifySignatureNatively({
    algorithm: facts.signatureAlgorithm,
    key: arrayBufferOf(facts.spkiDer),
    data: facts.infoDer,
    signature: facts.signature,
  });
  if (verified !== undefined) {
    return verified ? [] : ['the CSR signature does not verify'];
  }
  // Algorithms OpenSSL is not asked about go through WebCrypto.
  const csr = new x509.Pkcs10CertificateRequest(arrayBufferOf(der));
  const hash = (csr.signatureAlgorithm as { hash?: { name?: string } }).hash
    ?.name;
  if (hash && /^(SHA-1|MD5|MD2)$/i.test(hash)) {
    return [`the CSR is signed with ${hash}, which is too weak`];
  }
  try {
    if (await csr.verify()) return [];
  } catch {
    // A signature that cannot be checked is one that does not verify.
  }
  return ['the CSR signature does not verify'];
}

/**
 * The subject as kube-apiserver reads it (Go's `pkix.Name`): the last CN is
 * the user, every O is a group. We insist on one attribute per RDN, string
 * values and exactly one CN, so that every reading agrees.
 */
function subjectFacts(
  name: NameRdns,
  username: string,
): { organizations: string[]; problems: string[] } {
  const problems: string[] = [];
  const cns: string[] = [];
  const organizations: string[] = [];
  const others = new Set<string>();
  for (const rdn of name) {
    if (rdn.length !== 1) {
      problems.push(
        `each subject RDN must hold one attribute; one holds ${rdn.length}`,
      );
    }
    for (const atv of rdn) {
      const type = SUBJECT_TYPES[atv.type] ?? atv.type;
      const { value } = atv;
      if (type !== 'CN' && type !== 'O') {
        others.add(type);
      } else if (value === undefined) {
        problems.push(
          `the subject ${type} must be a PrintableString or UTF8String`,
        );
      } else {
        (type === 'CN' ? cns : organizations).push(value);
      }
    }
  }
  if (cns.length !== 1) {
    problems.push(
      `the subject must have exactly one CN (the username '${username}'), found ${cns.length}`,
    );
  } else if (cns[0] !== username) {
    problems.push(
      `the subject CN '${cns[0]}' is not your username '${username}'`,
    );
  }
  const seen = new Set<string>();
  for (const o of organizations) {
    if (seen.has(o)) problems.push(`the subject lists O '${o}' more than once`);
    seen.add(o);
  }
  if (others.size) {
    problems.push(
      `the subject may only contain CN and O; found ${[...others].join(', ')}`,
    );
  }
  return { organizations, problems };
}

/**
 * Every attribute and every value, as Go iterates them: a CSR may hold one
 * extensionRequest attribute with one value, and nothing else.
 */
function requestedExtensions(attributes: CsrFacts['attributes']): {
  extensions: ExtensionFacts[];
  problems: string[];
} {
  const problems: string[] = [];
  const extensions: ExtensionFacts[] = [];
  let requests = 0;
  for (const attribute of attributes) {
    if (attribute.type !== OID.extensionRequest) {
      const name = ATTRIBUTE_NAMES[attribute.type];
      problems.push(
        `the CSR attribute ${attribute.type}${
          name ? ` (${name})` : ''
        } is not allowed`,
      );
      continue;
    }
    requests++;
    if (attribute.values.length !== 1) {
      problems.push(
        `the extensionRequest attribute must hold exactly one value, found ${attribute.values.length}`,
      );
    }
    for (const value of attribute.values) {
      try {
        extensions.push(...readExtensionRequest(value));
      } catch {
        problems.push('the CSR extension request cannot be read');
      }
    }
  }
  if (requests > 1) {
    problems.push(
      `the CSR has ${requests} extensionRequest attributes; at most one is allowed, as Vault would merge them all into the certificate`,
    );
  }
  return { extensions, problems };
}

/** One extensionRequest value: strictly, else as the library reads it. */
function readExtensionRequest(value: Buffer): ExtensionFacts[] {
  try {
    return readExtensionList(readDer(value));
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
  }
  return AsnConvert.parse(value, Extensions).map(ext => ({
    type: ext.extnID,
    critical: ext.critical,
    value: Buffer.from(ext.extnValue.buffer),
    der: Buffer.from(AsnConvert.serialize(ext)),
  }));
}

/**
 * Checks a CSR before anything reaches Vault, with no knowledge of the
 * user's groups: PEM PKCS#10 in DER with a valid self-signature; key EC
 * P-256/P-384 or RSA 2048–8192; subject of single-attribute RDNs, exactly
 * one CN (the username) and O values without repeats, nothing else; no
 * attribute but one extensionRequest with one value, requesting at most key
 * usage digitalSignature (+ keyEncipherment for RSA), extended key usage
 * exactly clientAuth and basic constraints CA:false. Throws `InputError`
 * naming every problem.
 *
 * @internal
 */
export async function checkCsr(options: {
  csrPem: string;
  username: string;
}): Promise<ValidatedCsr> {
  const der = decodePem(options.csrPem);
  const { facts, strict } = parseDer(der);
  const problems: string[] = [];

  const key = describeKey(facts.spkiDer);
  if (typeof key === 'string') problems.push(key);
  else problems.push(...(await signatureProblems(der, facts)));

  const subject = subjectFacts(facts.subject, options.username);
  problems.push(...subject.problems);

  const requested = requestedExtensions(facts.attributes);
  problems.push(...requested.problems);
  problems.push(...duplicateProblems(requested.extensions, 'the CSR requests'));
  for (const ext of requested.extensions) {
    problems.push(
      ...extensionProblems(ext, {
        keyType: typeof key === 'string' ? undefined : key.type,
        subject: 'the CSR requests',
      }),
    );
  }

  if (problems.length || typeof key === 'string') {
    // What the libraries cannot read at all they refuse as such, before any
    // rule: a refusal says so whichever reader read the request.
    if (strict) libraryParse(der);
    throw invalid(problems);
  }
  return {
    pem: x509.PemConverter.encode(der, 'CERTIFICATE REQUEST'),
    keyType: key.type,
    keyDescription: key.description,
    publicKeyDer: arrayBufferOf(facts.spkiDer),
    organizations: subject.organizations,
  };
}

/**
 * Checks that a CSR that passed {@link checkCsr} asks for exactly the user's
 * groups (one O each, any order). Throws `InputError` naming every problem.
 *
 * @internal
 */
export function checkCsrGroups(csr: ValidatedCsr, groups: string[]): void {
  const problems: string[] = [];
  const wanted = new Set(groups);
  for (const o of new Set(csr.organizations)) {
    if (!wanted.has(o)) {
      problems.push(`the subject O '${o}' is not one of your groups`);
    }
  }
  const present = new Set(csr.organizations);
  const missing = groups.filter(g => !present.has(g));
  if (missing.length) {
    problems.push(
      `the subject lacks O for your group${
        missing.length > 1 ? 's' : ''
      } ${missing.map(g => `'${g}'`).join(', ')}`,
    );
  }
  if (problems.length) throw invalid(problems);
}

/**
 * {@link checkCsr} and {@link checkCsrGroups} in one.
 *
 * @internal
 */
export async function validateCsr(options: {
  csrPem: string;
  username: string;
  groups: string[];
}): Promise<ValidatedCsr> {
  const csr = await checkCsr(options);
  checkCsrGroups(csr, options.groups);
  return csr;
}
