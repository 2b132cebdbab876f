import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

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

/**
 * The extension as its own class: @peculiar/x509 already made one when it
 * read a certificate (ExtensionFactory); only a bare Extension (as the CSR's
 * are) is parsed again.
 */
function typed<T extends x509.Extension>(
  ext: x509.Extension,
  Type: new (raw: BufferSource) => T,
): T {
  return ext instanceof Type ? ext : new Type(ext.rawData);
}

/**
 * Problems of one extension against the client-certificate rules, phrased
 * for `subject` (`the CSR requests`, `it has`). `extraAllowed` lists OIDs a
 * signer may add on its own (key identifiers, AIA, CRL distribution points)
 * that a requester must not choose.
 */
export function extensionProblems(
  ext: x509.Extension,
  options: {
    keyType: 'ec' | 'rsa' | undefined;
    subject: string;
    extraAllowed?: string[];
  },
): string[] {
  const { subject } = options;
  try {
    switch (ext.type) {
      case OID.keyUsage: {
        const usages = typed(ext, x509.KeyUsagesExtension).usages;
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
        const usages = typed(ext, x509.ExtendedKeyUsageExtension).usages.map(
          String,
        );
        return usages.length === 1 && usages[0] === OID.clientAuth
          ? []
          : [
              `${subject} extended key usage ${
                usages.join(', ') || 'none'
              }; it must be exactly clientAuth (${OID.clientAuth})`,
            ];
      }
      case OID.basicConstraints: {
        const basic = typed(ext, x509.BasicConstraintsExtension);
        if (basic.ca) return [`${subject} a CA certificate (CA:true)`];
        return basic.pathLength === undefined
          ? []
          : [`${subject} a path length constraint`];
      }
      default:
        if (options.extraAllowed?.includes(ext.type)) return [];
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
  extensions: x509.Extension[],
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
