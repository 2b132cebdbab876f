import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {
  arrayBufferOf,
  childrenOf,
  DerError,
  expectTag,
  fieldsOf,
  readBitString,
  readBoolean,
  readDer,
  readDerTree,
  readInteger,
  readOid,
  TAG,
} from './der';
import type { ExtensionFacts } from './x509Der';

/**
 * The X.509 extensions a Kubernetes client certificate may carry, shared by
 * the CSR checks and the checks of what the signer returns. Vault's
 * sign-verbatim copies every extension a CSR requests into the certificate,
 * overriding its own (certutil `signCertificate`: requested extensions become
 * Go's ExtraExtensions), so the CSR may request only what the certificate may
 * hold.
 */

/** OIDs of the extensions and attributes the checks name. */
export const OID = {
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
};

const NAMES: Record<string, string> = {
  [OID.subjectKeyIdentifier]: 'subject key identifier',
  [OID.keyUsage]: 'key usage',
  [OID.subjectAltName]: 'subject alternative names',
  [OID.basicConstraints]: 'basic constraints',
  [OID.crlDistributionPoints]: 'CRL distribution points',
  [OID.authorityKeyIdentifier]: 'authority key identifier',
  [OID.extKeyUsage]: 'extended key usage',
  [OID.authorityInfoAccess]: 'authority information access',
  '2.5.29.32': 'certificate policies',
  '2.5.29.30': 'name constraints',
  '1.3.6.1.5.5.7.1.24': 'TLS feature',
};

/** `2.5.29.17 (subject alternative names)`, or the bare OID. */
export function describeOid(oid: string): string {
  return NAMES[oid] ? `${oid} (${NAMES[oid]})` : oid;
}

const KEY_USAGE_NAMES: Array<[x509.KeyUsageFlags, string]> = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

/**
 * Key usages a client certificate may have: digitalSignature (the TLS
 * handshake signature), plus keyEncipherment for RSA keys, as Vault's
 * sign-verbatim is asked for.
 */
export function allowedKeyUsages(keyType: 'ec' | 'rsa' | undefined): number {
  return (
    x509.KeyUsageFlags.digitalSignature |
    (keyType === 'rsa' ? x509.KeyUsageFlags.keyEncipherment : 0)
  );
}

function usageNames(flags: number): string {
  return KEY_USAGE_NAMES.filter(([flag]) => flags & flag)
    .map(([, name]) => name)
    .join(', ');
}

function copy(bytes: Uint8Array): ArrayBuffer {
  return arrayBufferOf(bytes);
}

function libraryFallback(error: unknown): void {
  if (!(error instanceof DerError)) throw error;
}

// Each reader takes the strict DER reading and, for anything it refuses,
// the @peculiar/x509 class's, so that an odd encoding reads as it did.

function keyUsages(ext: ExtensionFacts): number {
  try {
    const { bytes } = readBitString(readDer(ext.value));
    // Nine usages fit in two bytes; longer strings go to the library.
    if (bytes.length <= 2) {
      let flags = 0;
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        if (bytes[bit >> 3] & (0x80 >> (bit & 7))) flags |= 1 << bit;
      }
      return flags;
    }
  } catch (error) {
    libraryFallback(error);
  }
  return new x509.KeyUsagesExtension(copy(ext.der)).usages;
}

function extendedKeyUsages(ext: ExtensionFacts): string[] {
  try {
    return childrenOf(readDer(ext.value), TAG.sequence).map(readOid);
  } catch (error) {
    libraryFallback(error);
  }
  return new x509.ExtendedKeyUsageExtension(copy(ext.der)).usages.map(String);
}

function basicConstraints(ext: ExtensionFacts): {
  ca: boolean;
  pathLength: boolean;
} {
  try {
    const fields = fieldsOf(readDer(ext.value), TAG.sequence, 0, 2);
    const hasCa = fields[0]?.tag === TAG.boolean;
    const ca = hasCa && readBoolean(fields[0]);
    const pathLength = fields.slice(hasCa ? 1 : 0);
    if (pathLength.length > 1) throw new DerError('unexpected field');
    if (pathLength.length) readInteger(pathLength[0]);
    return { ca, pathLength: pathLength.length > 0 };
  } catch (error) {
    libraryFallback(error);
  }
  const basic = new x509.BasicConstraintsExtension(copy(ext.der));
  return { ca: basic.ca, pathLength: basic.pathLength !== undefined };
}

const SIGNER_EXTENSION_TYPES: Record<
  string,
  new (raw: BufferSource) => x509.Extension
> = {
  [OID.subjectKeyIdentifier]: x509.SubjectKeyIdentifierExtension,
  [OID.authorityKeyIdentifier]: x509.AuthorityKeyIdentifierExtension,
  [OID.authorityInfoAccess]: x509.AuthorityInfoAccessExtension,
  [OID.crlDistributionPoints]: x509.CRLDistributionPointsExtension,
};

/**
 * Throws if a signer-added extension cannot be read, as @peculiar/x509's
 * classes (which reading a certificate used to make) would.
 */
function readSignerExtension(ext: ExtensionFacts): void {
  try {
    if (ext.type === OID.subjectKeyIdentifier) {
      readDer(ext.value, TAG.octetString);
      return;
    }
    if (ext.type === OID.authorityKeyIdentifier) {
      // Vault's: the key identifier alone.
      expectTag(fieldsOf(readDer(ext.value), TAG.sequence, 1)[0], 0x80);
      return;
    }
  } catch (error) {
    libraryFallback(error);
  }
  const Type = SIGNER_EXTENSION_TYPES[ext.type];
  if (Type) new Type(copy(ext.der)); // eslint-disable-line no-new
}

/**
 * What is not DER in an extension's value, or undefined. Go reads the
 * values of these extensions, DER only (parser.go `processExtensions`),
 * and refuses the certificate for anything else; the libraries read BER.
 */
function notDer(ext: ExtensionFacts): string | undefined {
  try {
    readDerTree(ext.value);
    return undefined;
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    return error.message;
  }
}

/**
 * Problems of one extension against the client-certificate rules, phrased
 * for `subject` (`the CSR requests`, `it has`). `extraAllowed` lists OIDs a
 * signer may add on its own (key identifiers, AIA, CRL distribution points)
 * that a requester must not choose.
 */
export function extensionProblems(
  ext: ExtensionFacts,
  options: {
    keyType: 'ec' | 'rsa' | undefined;
    subject: string;
    extraAllowed?: string[];
  },
): string[] {
  const { subject } = options;
  const read = [
    OID.keyUsage,
    OID.extKeyUsage,
    OID.basicConstraints,
    ...(options.extraAllowed ?? []),
  ];
  const reason = read.includes(ext.type) ? notDer(ext) : undefined;
  if (reason) {
    return [
      `${subject} extension ${describeOid(
        ext.type,
      )} that is not DER-encoded: it has ${reason}`,
    ];
  }
  try {
    switch (ext.type) {
      case OID.keyUsage: {
        const usages = keyUsages(ext);
        const allowed = allowedKeyUsages(options.keyType);
        if (usages & ~allowed) {
          return [
            `${subject} key usage ${usageNames(
              usages & ~allowed,
            )}; only ${usageNames(allowed)} is allowed`,
          ];
        }
        return usages & x509.KeyUsageFlags.digitalSignature
          ? []
          : [`${subject} a key usage without digitalSignature`];
      }
      case OID.extKeyUsage: {
        const usages = extendedKeyUsages(ext);
        return usages.length === 1 && usages[0] === OID.clientAuth
          ? []
          : [
              `${subject} extended key usage ${
                usages.join(', ') || 'none'
              }; it must be exactly clientAuth (${OID.clientAuth})`,
            ];
      }
      case OID.basicConstraints: {
        const basic = basicConstraints(ext);
        if (basic.ca) return [`${subject} a CA certificate (CA:true)`];
        return basic.pathLength ? [`${subject} a path length constraint`] : [];
      }
      default:
        if (options.extraAllowed?.includes(ext.type)) {
          readSignerExtension(ext);
          return [];
        }
        return [
          `${subject} extension ${describeOid(
            ext.type,
          )}, which a client certificate must not have`,
        ];
    }
  } catch {
    return [
      `${subject} extension ${describeOid(ext.type)} that cannot be read`,
    ];
  }
}

/** Problems with OIDs that occur more than once in one list of extensions. */
export function duplicateProblems(
  extensions: Array<{ type: string }>,
  subject: string,
): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const ext of extensions) {
    if (seen.has(ext.type)) duplicates.add(ext.type);
    seen.add(ext.type);
  }
  return [...duplicates].map(
    oid => `${subject} extension ${describeOid(oid)} more than once`,
  );
}
