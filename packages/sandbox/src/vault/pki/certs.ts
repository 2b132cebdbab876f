import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, randomBytes, webcrypto } from 'node:crypto';

/** X.509 building blocks the PKI engine shares: OIDs, usages, serials, PEM, subjects. */

export const cryptoImpl = webcrypto as unknown as Crypto;

export const OID = {
  country: '2.5.4.6',
  province: '2.5.4.8',
  locality: '2.5.4.7',
  streetAddress: '2.5.4.9',
  postalCode: '2.5.4.17',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
};

/** Key usage names as Vault parses them (`parsing.ParseKeyUsages`); unknown names are ignored. */
const KEY_USAGES: Record<string, number> = {
  digitalsignature: x509.KeyUsageFlags.digitalSignature,
  contentcommitment: x509.KeyUsageFlags.nonRepudiation,
  keyencipherment: x509.KeyUsageFlags.keyEncipherment,
  dataencipherment: x509.KeyUsageFlags.dataEncipherment,
  keyagreement: x509.KeyUsageFlags.keyAgreement,
  certsign: x509.KeyUsageFlags.keyCertSign,
  crlsign: x509.KeyUsageFlags.cRLSign,
  encipheronly: x509.KeyUsageFlags.encipherOnly,
  decipheronly: x509.KeyUsageFlags.decipherOnly,
};

/** Extended key usage names in the order Go's `AddKeyUsages` emits them. */
export const EXT_KEY_USAGES: Array<[string, string]> = [
  ['any', '2.5.29.37.0'],
  ['serverauth', '1.3.6.1.5.5.7.3.1'],
  ['clientauth', '1.3.6.1.5.5.7.3.2'],
  ['codesigning', '1.3.6.1.5.5.7.3.3'],
  ['emailprotection', '1.3.6.1.5.5.7.3.4'],
  ['ipsecendsystem', '1.3.6.1.5.5.7.3.5'],
  ['ipsectunnel', '1.3.6.1.5.5.7.3.6'],
  ['ipsecuser', '1.3.6.1.5.5.7.3.7'],
  ['timestamping', '1.3.6.1.5.5.7.3.8'],
  ['ocspsigning', '1.3.6.1.5.5.7.3.9'],
  ['microsoftservergatedcrypto', '1.3.6.1.4.1.311.10.3.3'],
  ['netscapeservergatedcrypto', '2.16.840.1.113730.4.1'],
  ['microsoftcommercialcodesigning', '1.3.6.1.4.1.311.2.1.22'],
  ['microsoftkernelcodesigning', '1.3.6.1.4.1.311.61.1.1'],
];

export const DEFAULT_KEY_USAGE = [
  'DigitalSignature',
  'KeyAgreement',
  'KeyEncipherment',
];

/** Colon-separated lower-case hex, as Vault renders serial numbers. */
export function formatSerial(hex: string): string {
  const clean = hex.toLowerCase().replace(/^0+(?=..)/, '');
  const even = clean.length % 2 ? `0${clean}` : clean;
  return even.match(/../g)!.join(':');
}

export function normalizeSerial(serial: string): string {
  return formatSerial(serial.trim().toLowerCase().replace(/[-:]/g, ''));
}

/** A fresh positive serial below 2^159, as Vault's `GenerateSerialNumber`. */
export function newSerialHex(): string {
  const bytes = randomBytes(20);
  bytes[0] &= 0x7f;
  if (bytes[0] === 0) bytes[0] = 0x01;
  return bytes.toString('hex');
}

export function pemOf(cert: x509.X509Certificate): string {
  return cert.toString('pem').trim();
}

export function base64Of(cert: x509.X509Certificate): string {
  return Buffer.from(cert.rawData).toString('base64');
}

/** SHA-1 over the whole SubjectPublicKeyInfo, which is how Vault (Go) derives key identifiers. */
export function keyIdentifier(spki: ArrayBuffer): string {
  return createHash('sha1').update(Buffer.from(spki)).digest('hex');
}

export interface PemBlock {
  type: string;
  der: Buffer;
  pem: string;
}

export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    blocks.push({
      type: m[1],
      der: Buffer.from(m[2].replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'),
      pem: m[0],
    });
  }
  return blocks;
}

/** The subject attributes Vault takes from a role or a root generation request. */
export interface SubjectFields {
  country?: string[];
  province?: string[];
  locality?: string[];
  streetAddress?: string[];
  postalCode?: string[];
  organization?: string[];
  organizationalUnit?: string[];
  commonName?: string;
  serialNumber?: string;
}

/** Builds a subject the way Go's `pkix.Name` marshals it: one (multi-valued) RDN per attribute type. */
export function buildSubject(fields: SubjectFields): x509.Name {
  const unique = (values?: string[]) =>
    Array.from(new Set((values ?? []).filter(v => v !== '')));
  const rdns: Array<Record<string, string[]>> = [];
  const add = (oid: string, values: string[]) => {
    if (values.length > 0) rdns.push({ [oid]: values });
  };
  add(OID.country, unique(fields.country));
  add(OID.province, unique(fields.province));
  add(OID.locality, unique(fields.locality));
  add(OID.streetAddress, unique(fields.streetAddress));
  add(OID.postalCode, unique(fields.postalCode));
  add(OID.organization, unique(fields.organization));
  add(OID.organizationalUnit, unique(fields.organizationalUnit));
  if (fields.commonName) add(OID.commonName, [fields.commonName]);
  if (fields.serialNumber) add(OID.serialNumber, [fields.serialNumber]);
  return new x509.Name(rdns);
}

/** Subject alternative names by kind, in the order Go writes them (DNS, email, IP, URI). */
export interface SubjectAltNames {
  dnsNames: string[];
  emails: string[];
  ips: string[];
  uris: string[];
}

export function generalNames(sans: SubjectAltNames): x509.JsonGeneralName[] {
  return [
    ...sans.dnsNames.map(value => ({ type: 'dns' as const, value })),
    ...sans.emails.map(value => ({ type: 'email' as const, value })),
    ...sans.ips.map(value => ({ type: 'ip' as const, value })),
    ...sans.uris.map(value => ({ type: 'url' as const, value })),
  ];
}

export function extKeyUsageOids(
  names: string[],
  flags: {
    server?: boolean;
    client?: boolean;
    codeSigning?: boolean;
    email?: boolean;
  },
): string[] {
  const wanted = new Set(names.map(n => n.trim().toLowerCase()));
  if (flags.server) wanted.add('serverauth');
  if (flags.client) wanted.add('clientauth');
  if (flags.codeSigning) wanted.add('codesigning');
  if (flags.email) wanted.add('emailprotection');
  return EXT_KEY_USAGES.filter(([name]) => wanted.has(name)).map(
    ([, oid]) => oid,
  );
}

export function keyUsageFlags(names: string[]): number {
  return names.reduce(
    (flags, name) => flags | (KEY_USAGES[name.trim().toLowerCase()] ?? 0),
    0,
  );
}

export function dedupe<T>(items: T[]): T[] {
  return Array.from(new Set(items));
}
