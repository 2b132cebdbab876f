import {
  checkDerTree,
  checkNameValue,
  childrenOf,
  DerElement,
  DerError,
  expectTag,
  fieldsOf,
  readBitString,
  readBoolean,
  readDer,
  readDerTree,
  readInteger,
  readOctetAlignedBits,
  readOid,
  readSmallInteger,
  readString,
  readTime,
  TAG,
} from './der';

/**
 * What the checks read from CSRs and certificates, by the strict reader in
 * der.ts (or, for what it refuses, from the ASN.1 libraries' reading).
 */

/** One attribute of a subject RDN; `value` only for Printable/UTF8String. */
export interface NameAttribute {
  type: string;
  value: string | undefined;
}

/** A distinguished name as its RDNs, in order. */
export type NameRdns = NameAttribute[][];

/** An AlgorithmIdentifier as @peculiar/asn1-schema reads it. */
export interface AlgorithmFacts {
  algorithm: string;
  /** Absent: undefined; a DER NULL: null; else the parameters' DER. */
  parameters?: ArrayBuffer | null;
}

/** One extension as listed; `value` is the extnValue OCTET STRING's contents. */
export interface ExtensionFacts {
  type: string;
  critical: boolean;
  value: Buffer;
  /** The whole Extension, for the libraries' classes. */
  der: Buffer;
}

export interface CsrFacts {
  /** The signed bytes (CertificationRequestInfo). */
  infoDer: Buffer;
  subject: NameRdns;
  spkiDer: Buffer;
  attributes: Array<{ type: string; values: Buffer[] }>;
  signatureAlgorithm: AlgorithmFacts;
  signature: Buffer;
}

export interface CertificateFacts {
  der: Buffer;
  /** The version field: 0 for v1 (absent), 2 for v3. */
  version: number;
  /**
   * The TBSCertificate's signature algorithm is the outer one, byte for
   * byte (Go's crypto/x509 refuses a certificate where they differ).
   */
  algorithmsMatch: boolean;
  tbsDer: Buffer;
  /** The serial number INTEGER's contents. */
  serial: Buffer;
  issuerDer: Buffer;
  subjectDer: Buffer;
  /** The subject's RDNs, when the strict reader read the certificate. */
  subject?: NameRdns;
  notBefore: Date;
  notAfter: Date;
  spkiDer: Buffer;
  extensions: ExtensionFacts[];
  signatureAlgorithm: AlgorithmFacts;
  signature: Buffer;
}

const DER_NULL = Buffer.from([TAG.null, 0]);

export function readAlgorithm(element: DerElement): AlgorithmFacts {
  const [oid, params] = fieldsOf(element, TAG.sequence, 1, 2);
  const algorithm = readOid(oid);
  if (!params) return { algorithm };
  if (params.bytes.equals(DER_NULL)) return { algorithm, parameters: null };
  return {
    algorithm,
    parameters: new Uint8Array(params.bytes).buffer as ArrayBuffer,
  };
}

/**
 * A Name's RDNs. Every value must be a string Go reads
 * ({@link checkNameValue}); values must be PrintableString or UTF8String
 * unless `otherValues` allows the other strings (read as undefined).
 */
export function readName(element: DerElement, otherValues = false): NameRdns {
  return childrenOf(element, TAG.sequence).map(rdn =>
    childrenOf(rdn, TAG.set).map(atv => {
      const [type, value] = fieldsOf(atv, TAG.sequence, 2);
      const oid = readOid(type);
      if (value.tag === TAG.printableString || value.tag === TAG.utf8String) {
        return { type: oid, value: readString(value) };
      }
      checkNameValue(value);
      if (!otherValues)
        throw new DerError('not a PrintableString or UTF8String');
      return { type: oid, value: undefined };
    }),
  );
}

/** What Go refuses in a CSR or certificate; see {@link goRefusal}. */
export interface GoRefusal {
  /** The name Go cannot read; absent when the encoding is not DER. */
  name?: 'subject' | 'issuer';
  /** What is wrong, e.g. `an indefinite length (BER)`. */
  reason: string;
}

/** The names Go reads: a CSR's subject, a certificate's issuer and subject. */
function namesOf(
  root: DerElement,
  kind: 'csr' | 'certificate',
): Array<[GoRefusal['name'], DerElement | undefined]> {
  try {
    const fields = childrenOf(childrenOf(root)[0]);
    if (kind === 'csr') return [['subject', fields[1]]];
    const at = fields[0]?.tag === 0xa0 ? 1 : 0;
    return [
      ['issuer', fields[at + 2]],
      ['subject', fields[at + 4]],
    ];
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    // Not shaped as a CSR or certificate: the library reading refuses it.
    return [];
  }
}

function nameRefusal(name: DerElement): string | undefined {
  if (name.tag !== TAG.sequence) return undefined;
  try {
    for (const rdn of childrenOf(name)) {
      for (const atv of childrenOf(rdn, TAG.set)) {
        // Go reads the type and the value, and ignores what follows.
        const [type, value] = childrenOf(atv, TAG.sequence);
        readOid(type);
        if (!value) throw new DerError('an attribute without a value');
        checkNameValue(value);
      }
    }
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    return error.message;
  }
  return undefined;
}

/**
 * What Go would refuse in a CSR or certificate the ASN.1 libraries could
 * read, for the library reading to refuse it too: an encoding that is not
 * DER anywhere (see der.ts), or a name value Go's crypto/x509 cannot read
 * (parser.go `parseName`). The strict reading refuses both already.
 */
export function goRefusal(
  der: Buffer,
  kind: 'csr' | 'certificate',
): GoRefusal | undefined {
  let root: DerElement;
  try {
    root = readDerTree(der);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    return { reason: error.message };
  }
  for (const [name, element] of namesOf(root, kind)) {
    const reason = element && nameRefusal(element);
    if (reason) return { name, reason };
  }
  return undefined;
}

/** Extensions ::= SEQUENCE OF Extension. */
export function readExtensionList(element: DerElement): ExtensionFacts[] {
  return childrenOf(element, TAG.sequence).map(ext => {
    const fields = fieldsOf(ext, TAG.sequence, 2, 3);
    const critical = fields.length === 3 ? readBoolean(fields[1]) : false;
    const value = expectTag(fields[fields.length - 1], TAG.octetString);
    return {
      type: readOid(fields[0]),
      critical,
      value: value.contents,
      der: ext.bytes,
    };
  });
}

/** A PKCS #10 CertificationRequest; throws DerError for anything else. */
export function readCsr(der: Buffer): CsrFacts {
  const root = readDer(der);
  checkDerTree(root);
  const [info, algorithm, signature] = fieldsOf(root, TAG.sequence, 3);
  const [version, subject, spki, attributes] = fieldsOf(info, TAG.sequence, 4);
  readInteger(version);
  readSpki(spki);
  return {
    infoDer: info.bytes,
    subject: readName(subject),
    spkiDer: spki.bytes,
    attributes: childrenOf(attributes, 0xa0).map(attribute => {
      const [type, values] = fieldsOf(attribute, TAG.sequence, 2);
      return {
        type: readOid(type),
        values: childrenOf(values, TAG.set).map(v => v.bytes),
      };
    }),
    signatureAlgorithm: readAlgorithm(algorithm),
    signature: readOctetAlignedBits(signature),
  };
}

/** The SubjectPublicKeyInfo's algorithm and key bits. */
export function readSpki(element: DerElement): {
  algorithm: AlgorithmFacts;
  key: Buffer;
} {
  const [algorithm, key] = fieldsOf(element, TAG.sequence, 2);
  return {
    algorithm: readAlgorithm(algorithm),
    key: readOctetAlignedBits(key),
  };
}

/** An X.509 v1–v3 certificate; throws DerError for anything else. */
export function readCertificate(der: Buffer): CertificateFacts {
  const root = readDer(der);
  checkDerTree(root);
  const [tbs, algorithm, signature] = fieldsOf(root, TAG.sequence, 3);
  const fields = childrenOf(tbs, TAG.sequence);
  let at = 0;
  let version = 0;
  if (fields[at]?.tag === 0xa0) {
    version = readSmallInteger(fieldsOf(fields[at], 0xa0, 1)[0]);
    at++;
  }
  const [serial, innerAlgorithm, issuer, validity, subject, spki, ...rest] =
    fields.slice(at);
  if (!spki) throw new DerError('short TBSCertificate');
  readAlgorithm(innerAlgorithm);
  readName(issuer, true);
  const [notBefore, notAfter] = fieldsOf(validity, TAG.sequence, 2);
  readSpki(spki);
  let extensions: ExtensionFacts[] = [];
  let lastTag = 0;
  for (const field of rest) {
    // [1] and [2] unique IDs, then [3] extensions, each at most once.
    if (![0x81, 0x82, 0xa3].includes(field.tag) || field.tag <= lastTag) {
      throw new DerError('unexpected TBSCertificate field');
    }
    lastTag = field.tag;
    if (field.tag === 0xa3) {
      extensions = readExtensionList(fieldsOf(field, 0xa3, 1)[0]);
    } else {
      // IMPLICIT BIT STRINGs.
      readBitString({ ...field, tag: TAG.bitString });
    }
  }
  return {
    der,
    version,
    algorithmsMatch: innerAlgorithm.bytes.equals(algorithm.bytes),
    tbsDer: tbs.bytes,
    serial: readInteger(serial),
    issuerDer: issuer.bytes,
    subjectDer: subject.bytes,
    subject: readName(subject, true),
    notBefore: readTime(notBefore),
    notAfter: readTime(notAfter),
    spkiDer: spki.bytes,
    extensions,
    signatureAlgorithm: readAlgorithm(algorithm),
    signature: readOctetAlignedBits(signature),
  };
}
