import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AttributeTypeAndValue,
  AttributeValue,
  Extensions,
  Name,
  RelativeDistinguishedName,
} from '@peculiar/asn1-x509';

/**
 * A CSR as Go's `x509.ParseCertificateRequest` (and so Vault) reads it, rather than as
 * @peculiar/x509 presents it: the requested extensions of *every* extensionRequest attribute
 * (Go's `parseCSRExtensions` reads the first value of each), and the subject's attributes in
 * order (`pkix.Name.Names`), where the last CN is the common name.
 */
export interface GoCsr {
  /** The parsed request, for its key and signature. */
  request: x509.Pkcs10CertificateRequest;
  /** Every attribute of the subject, in order, one per entry (`Subject.Names`). */
  names: AttributeTypeAndValue[];
  /** `Subject.CommonName`: the last CN, as `FillFromRDNSequence` overwrites. */
  commonName: string;
  /** `Subject.SerialNumber`, the last one likewise. */
  serialNumber: string;
  /** `Extensions`: what every extensionRequest attribute asks for, in order. */
  extensions: x509.Extension[];
}

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const COMMON_NAME = '2.5.4.3';
const SERIAL_NUMBER = '2.5.4.5';

function stringValue(value: AttributeValue): string | undefined {
  return (
    value.printableString ??
    value.utf8String ??
    value.ia5String ??
    value.teletexString ??
    value.bmpString ??
    value.universalString
  );
}

/**
 * Parses DER the way Go does for what Vault uses. Throws an Error with Go's text when Go would
 * refuse the request.
 */
export function parseGoCsr(der: Buffer): GoCsr {
  const asn = AsnConvert.parse(der, CertificationRequest);
  const request = new x509.Pkcs10CertificateRequest(der);
  const names: AttributeTypeAndValue[] = [];
  let commonName = '';
  let serialNumber = '';
  for (const rdn of asn.certificationRequestInfo.subject) {
    for (const atv of rdn) {
      names.push(atv);
      const value = stringValue(atv.value);
      if (value === undefined) continue;
      if (atv.type === COMMON_NAME) commonName = value;
      if (atv.type === SERIAL_NUMBER) serialNumber = value;
    }
  }
  const extensions: x509.Extension[] = [];
  const requested = new Set<string>();
  for (const attribute of asn.certificationRequestInfo.attributes ?? []) {
    // Go skips attributes without values and anything but extension requests, and reads only
    // the first value of each.
    if (attribute.type !== EXTENSION_REQUEST || attribute.values.length === 0) {
      continue;
    }
    for (const ext of AsnConvert.parse(attribute.values[0], Extensions)) {
      if (requested.has(ext.extnID)) {
        throw new Error(
          'x509: certificate request contains duplicate requested extensions',
        );
      }
      requested.add(ext.extnID);
      extensions.push(new x509.Extension(AsnConvert.serialize(ext)));
    }
  }
  return { request, names, commonName, serialNumber, extensions };
}

// encoding/asn1's PrintableString alphabet (without '*' and '&').
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * The subject sign-verbatim writes: Vault sets `Subject.ExtraNames = Subject.Names`, so Go's
 * `ToRDNSequence` emits every attribute of the CSR as its own RDN, in order, re-encoding string
 * values as PrintableString when they fit and UTF8String otherwise.
 */
export function goVerbatimSubject(csr: GoCsr): x509.Name {
  const rdns = csr.names.map(atv => {
    const value = stringValue(atv.value);
    const encoded =
      value === undefined
        ? atv
        : new AttributeTypeAndValue({
            type: atv.type,
            value: new AttributeValue(
              PRINTABLE.test(value)
                ? { printableString: value }
                : { utf8String: value },
            ),
          });
    return new RelativeDistinguishedName([encoded]);
  });
  return new x509.Name(AsnConvert.serialize(new Name(rdns)));
}
