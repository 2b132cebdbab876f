import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  randomBytes,
  webcrypto,
} from 'node:crypto';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { badRequest } from './errors';
import {
  Body,
  formatGoDuration,
  getBool,
  getDuration,
  getInt,
  getList,
  getString,
  has,
} from './fields';
import { GoCsr, goVerbatimSubject, parseGoCsr } from './csr';
import { isoTime, newUuid } from './ids';
import { SYSTEM_DEFAULT_TTL, SYSTEM_MAX_TTL } from './tokens';
import { listResult } from './types';
import type {
  Backend,
  MountEntry,
  RequestContext,
  Route,
  VaultResult,
} from './types';
import type { VaultEngine } from './engine';

/**
 * The PKI secrets engine: real X.509 issuance with WebCrypto, following the semantics of Vault's
 * `builtin/logical/pki` for roles, `sign`, `sign-verbatim`, `issue`, revocation and the fetch
 * endpoints.
 */

const cryptoImpl = webcrypto as unknown as Crypto;

const OID = {
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
const EXT_KEY_USAGES: Array<[string, string]> = [
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

/** Signature hash Vault picks for an EC issuer key by curve. */
const EC_HASH: Record<string, string> = {
  'P-256': 'SHA-256',
  'P-384': 'SHA-384',
  'P-521': 'SHA-512',
};

const DEFAULT_KEY_USAGE = [
  'DigitalSignature',
  'KeyAgreement',
  'KeyEncipherment',
];
const CRL_LIFETIME_SECONDS = 72 * 3600;

const LABEL = '([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])';
const HOSTNAME_REGEX = new RegExp(`^(\\*\\.)?(${LABEL}\\.)*${LABEL}\\.?$`);
const LEFT_WILD_LABEL_REGEX = new RegExp(
  `^(\\*|\\*${LABEL}|${LABEL}\\*|${LABEL}\\*${LABEL})$`,
);

/** A PKI role, stored with the field names Vault uses on the wire. */
interface PkiRole {
  ttl: number;
  max_ttl: number;
  allow_localhost: boolean;
  allowed_domains: string[];
  allowed_domains_template: boolean;
  allow_bare_domains: boolean;
  allow_subdomains: boolean;
  allow_glob_domains: boolean;
  allow_wildcard_certificates: boolean;
  allow_any_name: boolean;
  enforce_hostnames: boolean;
  allow_ip_sans: boolean;
  allowed_uri_sans: string[];
  allowed_uri_sans_template: boolean;
  allowed_other_sans: string[];
  allowed_serial_numbers: string[];
  allowed_user_ids: string[];
  server_flag: boolean;
  client_flag: boolean;
  code_signing_flag: boolean;
  email_protection_flag: boolean;
  key_type: string;
  key_bits: number;
  signature_bits: number;
  use_pss: boolean;
  key_usage: string[];
  ext_key_usage: string[];
  ext_key_usage_oids: string[];
  use_csr_common_name: boolean;
  use_csr_sans: boolean;
  ou: string[];
  organization: string[];
  country: string[];
  locality: string[];
  province: string[];
  street_address: string[];
  postal_code: string[];
  generate_lease: boolean;
  no_store: boolean;
  require_cn: boolean;
  cn_validations: string[];
  policy_identifiers: string[];
  basic_constraints_valid_for_non_ca: boolean;
  not_before_duration: number;
  not_after: string;
  issuer_ref: string;
}

interface Issuer {
  id: string;
  name: string;
  keyId: string;
  keyName: string;
  cert: x509.X509Certificate;
  pem: string;
  chain: x509.X509Certificate[];
  privateKey?: CryptoKey;
  keyObject?: KeyObject;
  signingAlgorithm: Algorithm | EcdsaParams;
}

interface StoredCert {
  serial: string;
  der: Buffer;
  pem: string;
  notAfter: number;
  issuerId: string;
  revocationTime?: number;
}

interface PkiState {
  issuers: Issuer[];
  defaultIssuerId?: string;
  roles: Map<string, PkiRole>;
  certs: Map<string, StoredCert>;
}

function defaultRole(): PkiRole {
  return {
    ttl: 0,
    max_ttl: 0,
    allow_localhost: true,
    allowed_domains: [],
    allowed_domains_template: false,
    allow_bare_domains: false,
    allow_subdomains: false,
    allow_glob_domains: false,
    allow_wildcard_certificates: true,
    allow_any_name: false,
    enforce_hostnames: true,
    allow_ip_sans: true,
    allowed_uri_sans: [],
    allowed_uri_sans_template: false,
    allowed_other_sans: [],
    allowed_serial_numbers: [],
    allowed_user_ids: [],
    server_flag: true,
    client_flag: true,
    code_signing_flag: false,
    email_protection_flag: false,
    key_type: 'rsa',
    key_bits: 0,
    signature_bits: 0,
    use_pss: false,
    key_usage: [...DEFAULT_KEY_USAGE],
    ext_key_usage: [],
    ext_key_usage_oids: [],
    use_csr_common_name: true,
    use_csr_sans: true,
    ou: [],
    organization: [],
    country: [],
    locality: [],
    province: [],
    street_address: [],
    postal_code: [],
    generate_lease: false,
    no_store: false,
    require_cn: true,
    cn_validations: ['email', 'hostname'],
    policy_identifiers: [],
    basic_constraints_valid_for_non_ca: false,
    not_before_duration: 30,
    not_after: '',
    issuer_ref: 'default',
  };
}

const ROLE_LIST_FIELDS: Array<keyof PkiRole> = [
  'allowed_domains',
  'allowed_uri_sans',
  'allowed_other_sans',
  'allowed_serial_numbers',
  'allowed_user_ids',
  'key_usage',
  'ext_key_usage',
  'ext_key_usage_oids',
  'ou',
  'organization',
  'country',
  'locality',
  'province',
  'street_address',
  'postal_code',
  'cn_validations',
  'policy_identifiers',
];

const ROLE_BOOL_FIELDS: Array<keyof PkiRole> = [
  'allow_localhost',
  'allowed_domains_template',
  'allow_bare_domains',
  'allow_subdomains',
  'allow_glob_domains',
  'allow_wildcard_certificates',
  'allow_any_name',
  'enforce_hostnames',
  'allow_ip_sans',
  'allowed_uri_sans_template',
  'server_flag',
  'client_flag',
  'code_signing_flag',
  'email_protection_flag',
  'use_pss',
  'use_csr_common_name',
  'use_csr_sans',
  'generate_lease',
  'no_store',
  'require_cn',
  'basic_constraints_valid_for_non_ca',
];

/** Vault's `ValidateDefaultOrValueKeyType`: normalizes `key_bits` and rejects unsupported sizes. */
function normalizeKeyBits(keyType: string, keyBits: number): number {
  switch (keyType) {
    case 'rsa':
      if (keyBits === 0) return 2048;
      if (![2048, 3072, 4096, 8192].includes(keyBits)) {
        throw badRequest(`unsupported bit length for RSA key: ${keyBits}`);
      }
      return keyBits;
    case 'ec':
      if (keyBits === 0) return 256;
      if (![224, 256, 384, 521].includes(keyBits)) {
        throw badRequest(`unsupported bit length for EC key: ${keyBits}`);
      }
      return keyBits;
    case 'ed25519':
    case 'any':
      return 0;
    default:
      throw badRequest(`unknown key type ${keyType}`);
  }
}

function signatureBitsFor(
  keyType: string,
  keyBits: number,
  requested: number,
): number {
  if (requested !== 0) return requested;
  if (keyType === 'ec' && keyBits >= 521) return 512;
  if (keyType === 'ec' && keyBits >= 384) return 384;
  return 256;
}

/** Colon-separated lower-case hex, as Vault renders serial numbers. */
function formatSerial(hex: string): string {
  const clean = hex.toLowerCase().replace(/^0+(?=..)/, '');
  const even = clean.length % 2 ? `0${clean}` : clean;
  return even.match(/../g)!.join(':');
}

function normalizeSerial(serial: string): string {
  return formatSerial(serial.trim().toLowerCase().replace(/[-:]/g, ''));
}

/** A fresh positive serial below 2^159, as Vault's `GenerateSerialNumber`. */
function newSerialHex(): string {
  const bytes = randomBytes(20);
  bytes[0] &= 0x7f;
  if (bytes[0] === 0) bytes[0] = 0x01;
  return bytes.toString('hex');
}

function pemOf(cert: x509.X509Certificate): string {
  return cert.toString('pem').trim();
}

/** SHA-1 over the whole SubjectPublicKeyInfo, which is how Vault (Go) derives key identifiers. */
function keyIdentifier(spki: ArrayBuffer): string {
  return createHash('sha1').update(Buffer.from(spki)).digest('hex');
}

function parsePemBlocks(
  text: string,
): Array<{ type: string; der: Buffer; pem: string }> {
  const blocks: Array<{ type: string; der: Buffer; pem: string }> = [];
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

/** Builds a subject the way Go's `pkix.Name` marshals it: one (multi-valued) RDN per attribute type. */
function buildSubject(fields: {
  country?: string[];
  province?: string[];
  locality?: string[];
  streetAddress?: string[];
  postalCode?: string[];
  organization?: string[];
  organizationalUnit?: string[];
  commonName?: string;
  serialNumber?: string;
}): x509.Name {
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

function extKeyUsageOids(
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

function keyUsageFlags(names: string[]): number {
  return names.reduce(
    (flags, name) => flags | (KEY_USAGES[name.trim().toLowerCase()] ?? 0),
    0,
  );
}

interface CsrKeyInfo {
  type: 'rsa' | 'ec' | 'ed25519';
  bits: number;
}

function csrKeyInfo(publicKey: x509.PublicKey): CsrKeyInfo {
  let algorithm: Algorithm & { namedCurve?: string; modulusLength?: number };
  try {
    algorithm = publicKey.algorithm as typeof algorithm;
  } catch {
    algorithm = { name: 'unknown' };
  }
  switch (algorithm.name) {
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
    case 'RSA-OAEP':
      return { type: 'rsa', bits: algorithm.modulusLength ?? 0 };
    case 'ECDSA':
    case 'ECDH': {
      const bits = { 'P-256': 256, 'P-384': 384, 'P-521': 521, 'K-256': 256 }[
        algorithm.namedCurve ?? ''
      ];
      if (!bits)
        throw badRequest(
          `Unknown key type in CSR: ${algorithm.namedCurve ?? 'ECDSA'}`,
        );
      return { type: 'ec', bits };
    }
    case 'Ed25519':
    case 'EdDSA':
      return { type: 'ed25519', bits: 0 };
    default:
      throw badRequest(
        'Refusing to sign CSR with empty PublicKey. This usually means the SubjectPublicKeyInfo field has an OID not recognized by Go, such as 1.2.840.113549.1.1.10 for rsaPSS.',
      );
  }
}

/** Vault's `ValidateNames` (without identity templating and token display names). */
function validateNames(role: PkiRole, names: string[]): string | undefined {
  for (const name of names) {
    let reduced = name;
    let emailDomain = name;
    let isEmail = false;
    let isWildcard = false;
    let wildcardLabel = '';
    if (reduced.includes('@')) {
      const parts = reduced.split('@');
      if (parts.length !== 2) return name;
      reduced = parts[1];
      emailDomain = parts[1];
      isEmail = true;
    }
    if (reduced.includes('*')) {
      isWildcard = true;
      if (!role.allow_wildcard_certificates) return name;
      if ((reduced.match(/\*/g) ?? []).length > 1) return name;
      const labels = reduced.split(/\.(.*)/s);
      if (labels.length < 2 || labels[1] === undefined) {
        wildcardLabel = labels[0];
        reduced = '';
      } else {
        wildcardLabel = labels[0];
        reduced = labels[1];
        if (reduced.includes('*')) return name;
      }
    }
    if (isEmail && isWildcard) return name;
    if (role.enforce_hostnames) {
      if (reduced !== '') {
        const converted = domainToASCII(reduced);
        if (!converted || !HOSTNAME_REGEX.test(converted)) return name;
      }
      if (isWildcard && !LEFT_WILD_LABEL_REGEX.test(wildcardLabel)) return name;
    }
    if (role.allow_any_name) continue;
    if (role.allow_localhost) {
      if (
        ['localhost', 'localdomain'].includes(reduced) ||
        (isEmail && ['localhost', 'localdomain'].includes(emailDomain))
      ) {
        continue;
      }
      if (role.allow_subdomains) {
        if (
          reduced.endsWith('.localhost') ||
          (isWildcard && reduced === 'localhost')
        )
          continue;
        if (
          reduced.endsWith('.localdomain') ||
          (isWildcard && reduced === 'localdomain')
        )
          continue;
      }
    }
    let valid = false;
    for (const domain of role.allowed_domains) {
      if (!domain) continue;
      if (
        role.allow_bare_domains &&
        (name.toLowerCase() === domain.toLowerCase() ||
          (isEmail && emailDomain.toLowerCase() === domain.toLowerCase()))
      ) {
        valid = true;
        break;
      }
      if (
        role.allow_subdomains &&
        (reduced.endsWith(`.${domain}`) ||
          (isWildcard && reduced.toLowerCase() === domain.toLowerCase()))
      ) {
        valid = true;
        break;
      }
      if (
        role.allow_glob_domains &&
        domain.includes('*') &&
        globMatch(domain.toLowerCase(), name.toLowerCase())
      ) {
        valid = true;
        break;
      }
    }
    if (!valid) return name;
  }
  return undefined;
}

/** `ryanuber/go-glob` semantics: `*` matches any run of characters. */
function globMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return regex.test(value);
}

/** Vault's `ValidateCommonName`: role name rules plus the `cn_validations` type check. */
function validateCommonName(role: PkiRole, cn: string): boolean {
  if (role.cn_validations.length === 1 && role.cn_validations[0] === 'disabled')
    return true;
  if (validateNames(role, [cn]) !== undefined) return false;
  if (role.cn_validations.length === 0) return true;
  return cn.includes('@')
    ? role.cn_validations.includes('email')
    : role.cn_validations.includes('hostname');
}

function dedupe<T>(items: T[]): T[] {
  return Array.from(new Set(items));
}

interface IssueInput {
  role: PkiRole;
  body: Body;
  issuer: Issuer;
  publicKey: x509.PublicKey;
  csr?: GoCsr;
  /** sign-verbatim: copy the CSR's subject and requested extensions. */
  useCsrValues: boolean;
  now: number;
  mount: MountEntry;
}

/** Creates a per-mount PKI backend; `mountRef` resolves the live mount entry (for tuned TTLs). */
export function createPkiBackend(
  engine: VaultEngine,
  mountRef: () => MountEntry,
): Backend {
  const state: PkiState = { issuers: [], roles: new Map(), certs: new Map() };

  const defaultIssuer = (): Issuer | undefined =>
    state.issuers.find(i => i.id === state.defaultIssuerId);

  const resolveIssuer = (ref: string): Issuer | undefined => {
    if (!ref || ref === 'default') return defaultIssuer();
    return state.issuers.find(i => i.id === ref || i.name === ref);
  };

  const requireIssuer = (ref: string): Issuer => {
    const issuer = resolveIssuer(ref);
    if (!issuer) {
      if (!ref || ref === 'default') {
        throw badRequest(
          'could not fetch the CA certificate (was one set?): no default issuer currently configured',
        );
      }
      throw badRequest(`unable to find PKI issuer for reference: ${ref}`);
    }
    if (!issuer.privateKey) {
      throw badRequest(
        `could not fetch the CA certificate (was one set?): unable to fetch corresponding key for issuer ${issuer.id}; unable to use this issuer for signing`,
      );
    }
    return issuer;
  };

  const chainPems = (issuer: Issuer) => issuer.chain.map(pemOf);

  const storeCert = (cert: x509.X509Certificate, issuerId: string) => {
    const serial = formatSerial(cert.serialNumber);
    state.certs.set(serial, {
      serial,
      der: Buffer.from(cert.rawData),
      pem: pemOf(cert),
      notAfter: cert.notAfter.getTime(),
      issuerId,
    });
  };

  /** Vault's `GetCertificateNotAfter`: request TTL, else role TTL, else mount default; clamp to max with a warning. */
  const certificateNotAfter = (
    role: { ttl: number; max_ttl: number; not_after: string },
    body: Body,
    mount: MountEntry,
    issuer: Issuer | undefined,
    now: number,
  ): { notAfter: Date; warnings: string[] } => {
    const warnings: string[] = [];
    let ttl = getDuration(body, 'ttl', 0);
    const notAfterText = role.not_after || getString(body, 'not_after', '');
    if (ttl > 0 && notAfterText) {
      throw badRequest(
        'Either ttl or not_after should be provided. Both should not be provided in the same request.',
      );
    }
    if (ttl === 0 && role.ttl > 0) ttl = role.ttl;
    let maxTtl = role.max_ttl > 0 ? role.max_ttl : 0;
    if (ttl === 0) ttl = mount.defaultLeaseTtl || SYSTEM_DEFAULT_TTL;
    if (maxTtl === 0) maxTtl = mount.maxLeaseTtl || SYSTEM_MAX_TTL;
    if (ttl > maxTtl) {
      warnings.push(
        `TTL ${JSON.stringify(
          formatGoDuration(ttl),
        )} is longer than permitted maxTTL ${JSON.stringify(
          formatGoDuration(maxTtl),
        )}, so maxTTL is being used`,
      );
      ttl = maxTtl;
    }
    let notAfter: Date;
    if (notAfterText) {
      notAfter = new Date(notAfterText);
      if (Number.isNaN(notAfter.getTime())) {
        throw badRequest(
          `parsing time ${JSON.stringify(
            notAfterText,
          )} as "2006-01-02T15:04:05Z07:00": cannot parse`,
        );
      }
    } else {
      // X.509 times have second precision; truncating keeps `expiration` equal to NotAfter.
      notAfter = new Date(Math.floor((now + ttl * 1000) / 1000) * 1000);
    }
    if (issuer && notAfter.getTime() > issuer.cert.notAfter.getTime()) {
      throw badRequest(
        `cannot satisfy request, as TTL would result in notAfter of ${notAfter.toISOString()} that is beyond the expiration of the CA certificate at ${issuer.cert.notAfter.toISOString()}`,
      );
    }
    return { notAfter, warnings };
  };

  const parseCsr = (body: Body): GoCsr => {
    const text = getString(body, 'csr', '');
    if (!text) throw badRequest('"csr" is empty');
    const block = parsePemBlocks(text)[0];
    if (!block) throw badRequest('csr contains no data');
    try {
      return parseGoCsr(block.der);
    } catch (e) {
      throw badRequest(
        `certificate request could not be parsed: ${(e as Error).message}`,
      );
    }
  };

  /** Vault's `SignCert` key checks: the CSR key must fit the role's `key_type` and `key_bits`. */
  const checkKey = (role: PkiRole, info: CsrKeyInfo) => {
    let minBits = role.key_bits;
    if (role.key_type === 'any') {
      minBits = { rsa: 2048, ec: 224, ed25519: 0 }[info.type];
      if (info.type === 'rsa' && info.bits < 2048) {
        throw badRequest('RSA keys < 2048 bits are unsafe and not supported');
      }
    } else if (role.key_type !== info.type) {
      throw badRequest(`role requires keys of type ${role.key_type}`);
    }
    if ((info.type === 'rsa' || info.type === 'ec') && info.bits < minBits) {
      throw badRequest(
        `role requires a minimum of a ${minBits}-bit key, but CSR's key is ${info.bits} bits`,
      );
    }
    if (info.type === 'rsa' && info.bits < 2048) {
      throw badRequest(
        `Vault requires a minimum of a 2048-bit key, but CSR's key is ${info.bits} bits`,
      );
    }
  };

  /** Shared issuance for `sign`, `sign-verbatim` and `issue` (Vault's `GenerateCreationBundle` + `SignCertificate`). */
  const issueLeaf = async (
    input: IssueInput,
  ): Promise<{ cert: x509.X509Certificate; warnings: string[] }> => {
    const { role, body, issuer, csr, useCsrValues, now, mount } = input;
    const warnings: string[] = [];

    let cn = '';
    if (csr && role.use_csr_common_name) cn = csr.commonName;
    if (!cn) {
      cn = getString(body, 'common_name', '');
      if (!cn && role.require_cn) {
        throw badRequest(
          'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
        );
      }
    }
    const serialNumberAttr =
      getString(body, 'serial_number', '') || (csr ? csr.serialNumber : '');

    let dnsNames: string[] = [];
    let emails: string[] = [];
    let ips: string[] = [];
    let uris: string[] = [];
    // Go reads SANs from the merged requested extensions; a later one wins.
    const sanExtension = csr?.extensions
      .filter(ext => ext.type === OID.subjectAltName)
      .pop();
    let csrSan: x509.SubjectAlternativeNameExtension | undefined;
    if (sanExtension instanceof x509.SubjectAlternativeNameExtension) {
      csrSan = sanExtension;
    } else if (sanExtension) {
      csrSan = new x509.SubjectAlternativeNameExtension(sanExtension.rawData);
    }
    // sign-verbatim copies the CSR's SAN extension as it is (see below) and
    // generates none, not even from the CN.
    if (csr && role.use_csr_sans && csrSan && !useCsrValues) {
      for (const item of csrSan.names.items) {
        if (item.type === 'dns') dnsNames.push(item.value);
        else if (item.type === 'email') emails.push(item.value);
        else if (item.type === 'ip') ips.push(item.value);
        else if (item.type === 'url') uris.push(item.value);
      }
    }
    if (cn && !useCsrValues && !getBool(body, 'exclude_cn_from_sans', false)) {
      if (cn.includes('@')) emails.push(cn);
      else {
        const converted = domainToASCII(cn);
        if (converted && HOSTNAME_REGEX.test(converted))
          dnsNames.push(converted);
      }
    }
    if (!csr || !role.use_csr_sans) {
      for (const alt of getList(body, 'alt_names')) {
        if (alt.includes('@')) emails.push(alt);
        else {
          const converted = domainToASCII(alt);
          if (converted && HOSTNAME_REGEX.test(converted))
            dnsNames.push(converted);
        }
      }
      ips = getList(body, 'ip_sans');
      uris = getList(body, 'uri_sans');
    }
    if (!useCsrValues) {
      if (cn && !validateCommonName(role, cn))
        throw badRequest(`common name ${cn} not allowed by this role`);
      const badDns = validateNames(role, dnsNames);
      if (badDns !== undefined)
        throw badRequest(
          `subject alternate name ${badDns} not allowed by this role`,
        );
      const badEmail = validateNames(role, emails);
      if (badEmail !== undefined)
        throw badRequest(`email address ${badEmail} not allowed by this role`);
      if (ips.length > 0 && !role.allow_ip_sans) {
        throw badRequest(
          csr && role.use_csr_sans
            ? 'IP Subject Alternative Names are not allowed in this role, but was provided some via CSR'
            : `IP Subject Alternative Names are not allowed in this role, but was provided [${ips.join(
                ' ',
              )}]`,
        );
      }
      for (const ip of ips) {
        if (!isIP(ip))
          throw badRequest(
            `the value ${JSON.stringify(ip)} is not a valid IP address`,
          );
      }
      if (uris.length > 0) {
        const via = csr && role.use_csr_sans ? 'via CSR' : 'via the API';
        if (role.allowed_uri_sans.length === 0) {
          throw badRequest(
            `URI Subject Alternative Names are not allowed in this role, but were provided ${via}`,
          );
        }
        if (
          !uris.every(uri =>
            role.allowed_uri_sans.some(pattern => globMatch(pattern, uri)),
          )
        ) {
          throw badRequest(
            `URI Subject Alternative Names were provided ${via} which are not valid for this role`,
          );
        }
      }
      if (
        serialNumberAttr &&
        !role.allowed_serial_numbers.some(
          p =>
            p === serialNumberAttr ||
            (p.includes('*') && globMatch(p, serialNumberAttr)),
        )
      ) {
        throw badRequest(
          `serial_number ${serialNumberAttr} not allowed by this role`,
        );
      }
    }
    dnsNames = dedupe(dnsNames);
    emails = dedupe(emails);

    const { notAfter, warnings: ttlWarnings } = certificateNotAfter(
      role,
      body,
      mount,
      issuer,
      now,
    );
    warnings.push(...ttlWarnings);

    const subject =
      useCsrValues && csr
        ? goVerbatimSubject(csr)
        : buildSubject({
            commonName: cn,
            serialNumber: serialNumberAttr,
            country: role.country,
            province: role.province,
            locality: role.locality,
            streetAddress: role.street_address,
            postalCode: role.postal_code,
            organization: role.organization,
            organizationalUnit: role.ou,
          });

    // Extension order follows Go's buildCertExtensions.
    const extensions: x509.Extension[] = [];
    const usage = keyUsageFlags(role.key_usage);
    if (usage !== 0) extensions.push(new x509.KeyUsagesExtension(usage, true));
    const ekus = [
      ...extKeyUsageOids(role.ext_key_usage, {
        server: role.server_flag,
        client: role.client_flag,
        codeSigning: role.code_signing_flag,
        email: role.email_protection_flag,
      }),
      ...role.ext_key_usage_oids,
    ];
    if (ekus.length > 0)
      extensions.push(new x509.ExtendedKeyUsageExtension(ekus, false));
    if (role.basic_constraints_valid_for_non_ca)
      extensions.push(
        new x509.BasicConstraintsExtension(false, undefined, true),
      );
    extensions.push(
      new x509.SubjectKeyIdentifierExtension(
        keyIdentifier(input.publicKey.rawData),
        false,
      ),
    );
    extensions.push(
      new x509.AuthorityKeyIdentifierExtension(
        keyIdentifier(issuer.cert.publicKey.rawData),
        false,
      ),
    );
    const sanItems: x509.JsonGeneralName[] = [
      ...dnsNames.map(value => ({ type: 'dns' as const, value })),
      ...emails.map(value => ({ type: 'email' as const, value })),
      ...ips.map(value => ({ type: 'ip' as const, value })),
      ...uris.map(value => ({ type: 'url' as const, value })),
    ];
    if (sanItems.length > 0) {
      const subjectEmpty =
        new x509.Name(subject.toArrayBuffer()).toJSON().length === 0;
      extensions.push(
        new x509.SubjectAlternativeNameExtension(sanItems, subjectEmpty),
      );
    }
    let allExtensions = extensions;
    if (csr) {
      const requested = csr.extensions;
      if (requested.some(ext => ext.type === OID.basicConstraints)) {
        warnings.push(
          'specified CSR contained a Basic Constraints extension that was ignored during issuance',
        );
      }
      if (useCsrValues) {
        // certutil's signCertificate copies every requested extension but Basic Constraints into
        // Go's ExtraExtensions; buildExtensions then drops its own extension of the same OID and
        // appends the extra ones after its own.
        const extra = requested.filter(
          ext => ext.type !== OID.basicConstraints,
        );
        allExtensions = [
          ...extensions.filter(e => !extra.some(x => x.type === e.type)),
          ...extra,
        ];
      }
    }

    const cert = await x509.X509CertificateGenerator.create(
      {
        serialNumber: newSerialHex(),
        subject,
        issuer: issuer.cert.subjectName,
        notBefore: new Date(
          now -
            (role.not_before_duration > 0 ? role.not_before_duration : 30) *
              1000,
        ),
        notAfter,
        publicKey: input.publicKey,
        signingKey: issuer.privateKey!,
        signingAlgorithm: issuer.signingAlgorithm,
        extensions: allExtensions,
      },
      cryptoImpl,
    );
    return { cert, warnings };
  };

  /** Formats a signing response like `pathIssueSignCert`. */
  const issueResponse = (
    issuer: Issuer,
    cert: x509.X509Certificate,
    body: Body,
    warnings: string[],
    privateKey?: { pem: string; der: Buffer; type: string },
  ): VaultResult => {
    const format = getString(body, 'format', 'pem');
    if (!['pem', 'der', 'pem_bundle'].includes(format)) {
      throw badRequest(
        'the "format" path parameter must be "pem", "der", or "pem_bundle"',
      );
    }
    const removeRoots = getBool(body, 'remove_roots_from_chain', false);
    const chain = issuer.chain.filter(
      c => !(removeRoots && c.subject === c.issuer),
    );
    const data: Record<string, unknown> = {
      expiration: Math.floor(cert.notAfter.getTime() / 1000),
      serial_number: formatSerial(cert.serialNumber),
    };
    if (format === 'der') {
      data.certificate = Buffer.from(cert.rawData).toString('base64');
      data.issuing_ca = Buffer.from(issuer.cert.rawData).toString('base64');
      data.ca_chain = chain.map(c => Buffer.from(c.rawData).toString('base64'));
      if (privateKey) data.private_key = privateKey.der.toString('base64');
    } else {
      data.certificate =
        format === 'pem_bundle'
          ? [privateKey?.pem, pemOf(cert), ...chain.map(pemOf)]
              .filter(Boolean)
              .join('\n')
          : pemOf(cert);
      data.issuing_ca = issuer.pem;
      data.ca_chain = chain.map(pemOf);
      if (privateKey) data.private_key = privateKey.pem;
    }
    if (privateKey) data.private_key_type = privateKey.type;
    return { data, warnings };
  };

  const readRole = (name: string): PkiRole => {
    const role = state.roles.get(name);
    if (!role) throw badRequest(`unknown role: ${name}`);
    return role;
  };

  const handleSign = async (
    ctx: RequestContext,
    roleName: string | undefined,
    verbatim: boolean,
    issuerRef?: string,
  ): Promise<VaultResult> => {
    const mount = mountRef();
    const storedRole = roleName !== undefined ? readRole(roleName) : undefined;
    let role: PkiRole;
    if (verbatim) {
      // pathSignVerbatim: a permissive role; only TTLs, no_store, not_before_duration and the
      // issuer come from the named role. Key usages come from the request.
      role = {
        ...defaultRole(),
        allow_any_name: true,
        enforce_hostnames: false,
        key_type: 'any',
        key_bits: 0,
        use_csr_common_name: true,
        use_csr_sans: true,
        require_cn: false,
        cn_validations: ['disabled'],
        allowed_other_sans: ['*'],
        allowed_serial_numbers: ['*'],
        allowed_uri_sans: ['*'],
        allowed_user_ids: ['*'],
        server_flag: false,
        client_flag: false,
        key_usage: has(ctx.body, 'key_usage')
          ? getList(ctx.body, 'key_usage')
          : [...DEFAULT_KEY_USAGE],
        ext_key_usage: getList(ctx.body, 'ext_key_usage'),
        ext_key_usage_oids: getList(ctx.body, 'ext_key_usage_oids'),
        ttl: storedRole?.ttl ?? 0,
        max_ttl: storedRole?.max_ttl ?? 0,
        no_store: storedRole?.no_store ?? false,
        not_before_duration: storedRole?.not_before_duration ?? 30,
        issuer_ref: storedRole?.issuer_ref ?? 'default',
      };
    } else {
      role = storedRole!;
    }
    const issuer = requireIssuer(issuerRef ?? role.issuer_ref);
    const csr = parseCsr(ctx.body);
    const info = csrKeyInfo(csr.request.publicKey);
    let signatureOk = false;
    try {
      signatureOk = await csr.request.verify(cryptoImpl);
    } catch {
      signatureOk = false;
    }
    if (!signatureOk) throw badRequest('request signature invalid');
    checkKey(role, info);
    const { cert, warnings } = await issueLeaf({
      role,
      body: ctx.body,
      issuer,
      publicKey: csr.request.publicKey,
      csr,
      useCsrValues: verbatim,
      now: ctx.now,
      mount,
    });
    if (!role.no_store) storeCert(cert, issuer.id);
    if (
      role.use_csr_common_name &&
      getString(ctx.body, 'common_name', '') !== ''
    ) {
      warnings.push(
        'the common_name field was provided but the role is set with "use_csr_common_name" set to true',
      );
    }
    if (role.use_csr_sans && getString(ctx.body, 'alt_names', '') !== '') {
      warnings.push(
        'the alt_names field was provided but the role is set with "use_csr_sans" set to true',
      );
    }
    engine.logger.info(
      `pki ${mount.path}: signed certificate ${formatSerial(
        cert.serialNumber,
      )} (${verbatim ? 'sign-verbatim' : 'sign'})`,
    );
    return issueResponse(issuer, cert, ctx.body, warnings);
  };

  const handleIssue = async (
    ctx: RequestContext,
    roleName: string,
  ): Promise<VaultResult> => {
    const role = readRole(roleName);
    if (role.key_type === 'any') {
      throw badRequest(
        'role key type "any" not allowed for issuing certificates, only signing',
      );
    }
    const issuer = requireIssuer(role.issuer_ref);
    const generated = await generateKeyPair(role.key_type, role.key_bits);
    const publicKey = await x509.PublicKey.create(
      generated.keys.publicKey,
      cryptoImpl,
    );
    const { cert, warnings } = await issueLeaf({
      role,
      body: ctx.body,
      issuer,
      publicKey,
      useCsrValues: false,
      now: ctx.now,
      mount: mountRef(),
    });
    if (!role.no_store) storeCert(cert, issuer.id);
    return issueResponse(
      issuer,
      cert,
      ctx.body,
      warnings,
      exportPrivateKey(
        generated.keyObject,
        role.key_type,
        getString(ctx.body, 'private_key_format', 'der'),
      ),
    );
  };

  const handleGenerateRoot = async (
    ctx: RequestContext,
    exportedParam: string,
  ): Promise<VaultResult> => {
    const body = ctx.body;
    if (!['internal', 'exported', 'existing', 'kms'].includes(exportedParam)) {
      throw badRequest(
        `invalid type ${JSON.stringify(
          exportedParam,
        )}; must be one of internal, exported, existing, or kms`,
      );
    }
    if (exportedParam === 'kms' || exportedParam === 'existing') {
      throw badRequest(`the Vault peer does not support ${exportedParam} keys`);
    }
    const cn = getString(body, 'common_name', '');
    if (!cn) throw badRequest('the common_name field is required');
    const keyType = getString(body, 'key_type', 'rsa');
    if (keyType === 'any')
      throw badRequest('key_type "any" is not valid for issuers');
    if (keyType === 'ed25519')
      throw badRequest('the Vault peer only generates rsa and ec issuer keys');
    const keyBits = normalizeKeyBits(keyType, getInt(body, 'key_bits', 0));
    if (keyType === 'ec' && keyBits === 224)
      throw badRequest(
        'the Vault peer cannot generate P-224 keys (not supported by WebCrypto)',
      );
    const issuerName = getString(body, 'issuer_name', '');
    if (issuerName && state.issuers.some(i => i.name === issuerName)) {
      throw badRequest(`issuer name already in use`);
    }
    const mount = mountRef();
    const { notAfter, warnings } = certificateNotAfter(
      { ttl: 0, max_ttl: 0, not_after: '' },
      body,
      mount,
      undefined,
      ctx.now,
    );
    const generated = await generateKeyPair(keyType, keyBits);
    const publicKey = await x509.PublicKey.create(
      generated.keys.publicKey,
      cryptoImpl,
    );
    const ski = keyIdentifier(publicKey.rawData);
    const maxPathLength = getInt(body, 'max_path_length', -1);
    const altNames = getList(body, 'alt_names');
    const dnsNames = dedupe([
      ...(cn &&
      !cn.includes('@') &&
      !getBool(body, 'exclude_cn_from_sans', false) &&
      HOSTNAME_REGEX.test(domainToASCII(cn))
        ? [domainToASCII(cn)]
        : []),
      ...altNames.filter(n => !n.includes('@')),
    ]);
    const emails = dedupe([
      ...(cn.includes('@') ? [cn] : []),
      ...altNames.filter(n => n.includes('@')),
    ]);
    const extensions: x509.Extension[] = [
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      new x509.BasicConstraintsExtension(
        true,
        maxPathLength >= 0 ? maxPathLength : undefined,
        true,
      ),
      new x509.SubjectKeyIdentifierExtension(ski, false),
      new x509.AuthorityKeyIdentifierExtension(ski, false),
    ];
    const sans: x509.JsonGeneralName[] = [
      ...dnsNames.map(value => ({ type: 'dns' as const, value })),
      ...emails.map(value => ({ type: 'email' as const, value })),
      ...getList(body, 'ip_sans').map(value => ({
        type: 'ip' as const,
        value,
      })),
      ...getList(body, 'uri_sans').map(value => ({
        type: 'url' as const,
        value,
      })),
    ];
    if (sans.length > 0)
      extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
    const subject = buildSubject({
      commonName: cn,
      serialNumber: getString(body, 'serial_number', ''),
      country: getList(body, 'country'),
      province: getList(body, 'province'),
      locality: getList(body, 'locality'),
      streetAddress: getList(body, 'street_address'),
      postalCode: getList(body, 'postal_code'),
      organization: getList(body, 'organization'),
      organizationalUnit: getList(body, 'ou'),
    });
    const cert = await x509.X509CertificateGenerator.create(
      {
        serialNumber: newSerialHex(),
        subject,
        issuer: subject,
        notBefore: new Date(
          ctx.now - getDuration(body, 'not_before_duration', 30) * 1000,
        ),
        notAfter,
        publicKey,
        signingKey: generated.keys.privateKey,
        signingAlgorithm: generated.signingAlgorithm,
        extensions,
      },
      cryptoImpl,
    );
    const issuer: Issuer = {
      id: newUuid(),
      name: issuerName,
      keyId: newUuid(),
      keyName: getString(body, 'key_name', ''),
      cert,
      pem: pemOf(cert),
      chain: [cert],
      privateKey: generated.keys.privateKey,
      keyObject: generated.keyObject,
      signingAlgorithm: generated.signingAlgorithm,
    };
    state.issuers.push(issuer);
    if (!defaultIssuer()) state.defaultIssuerId = issuer.id;
    storeCert(cert, issuer.id);
    engine.logger.info(
      `pki ${mount.path}: generated root issuer ${issuer.id} (${keyType} ${keyBits})`,
    );

    const format = getString(body, 'format', 'pem');
    if (!['pem', 'der', 'pem_bundle'].includes(format)) {
      throw badRequest(
        'the "format" path parameter must be "pem", "der", or "pem_bundle"',
      );
    }
    const exported = exportedParam === 'exported';
    const key = exported
      ? exportPrivateKey(
          generated.keyObject,
          keyType,
          getString(body, 'private_key_format', 'der'),
        )
      : undefined;
    const data: Record<string, unknown> = {
      expiration: Math.floor(cert.notAfter.getTime() / 1000),
      serial_number: formatSerial(cert.serialNumber),
      issuer_id: issuer.id,
      issuer_name: issuer.name,
      key_id: issuer.keyId,
      key_name: issuer.keyName,
    };
    if (format === 'der') {
      data.certificate = Buffer.from(cert.rawData).toString('base64');
      data.issuing_ca = data.certificate;
      if (key) data.private_key = key.der.toString('base64');
    } else {
      data.certificate =
        format === 'pem_bundle' && key
          ? `${key.pem}\n${issuer.pem}`
          : issuer.pem;
      data.issuing_ca = issuer.pem;
      if (key) data.private_key = key.pem;
    }
    if (key) data.private_key_type = key.type;
    return { data, warnings };
  };

  const handleImportBundle = async (
    ctx: RequestContext,
  ): Promise<VaultResult> => {
    const bundle = getString(ctx.body, 'pem_bundle', '');
    if (!bundle) throw badRequest('bundle was empty');
    const blocks = parsePemBlocks(bundle);
    if (blocks.length === 0) throw badRequest('no data found in PEM block');
    const certs: x509.X509Certificate[] = [];
    const keys: KeyObject[] = [];
    for (const block of blocks) {
      if (block.type === 'CERTIFICATE') {
        try {
          certs.push(new x509.X509Certificate(block.der));
        } catch (e) {
          throw badRequest(
            `error parsing certificate: ${(e as Error).message}`,
          );
        }
      } else if (/PRIVATE KEY$/.test(block.type)) {
        if (block.type.includes('ENCRYPTED')) {
          throw badRequest(
            'Encrypted private key given; provide only decrypted private key in the bundle',
          );
        }
        try {
          keys.push(createPrivateKey({ key: block.pem, format: 'pem' }));
        } catch (e) {
          throw badRequest(
            `error parsing private key: ${(e as Error).message}`,
          );
        }
      }
    }
    if (certs.length === 0 && keys.length > 0) {
      throw badRequest(
        'the Vault peer can only import keys together with their issuer certificate',
      );
    }
    const imported: string[] = [];
    const importedKeys: string[] = [];
    const existing: string[] = [];
    const mapping: Record<string, string> = {};
    for (const cert of certs) {
      const already = state.issuers.find(i =>
        Buffer.from(i.cert.rawData).equals(Buffer.from(cert.rawData)),
      );
      if (already) {
        existing.push(already.id);
        continue;
      }
      const spki = Buffer.from(cert.publicKey.rawData);
      const keyObject = keys.find(k => publicSpkiOf(k)?.equals(spki));
      const issuer: Issuer = {
        id: newUuid(),
        name: '',
        keyId: keyObject ? newUuid() : '',
        keyName: '',
        cert,
        pem: pemOf(cert),
        chain: [cert, ...certs.filter(c => c !== cert)],
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
      };
      if (keyObject) {
        const { privateKey, signingAlgorithm } = await importSigningKey(
          keyObject,
        );
        issuer.privateKey = privateKey;
        issuer.keyObject = keyObject;
        issuer.signingAlgorithm = signingAlgorithm;
        importedKeys.push(issuer.keyId);
        mapping[issuer.id] = issuer.keyId;
      } else {
        mapping[issuer.id] = '';
      }
      state.issuers.push(issuer);
      imported.push(issuer.id);
      storeCert(cert, issuer.id);
      if (!defaultIssuer() && issuer.privateKey)
        state.defaultIssuerId = issuer.id;
    }
    return {
      data: {
        imported_issuers: imported.length ? imported : null,
        imported_keys: importedKeys.length ? importedKeys : null,
        existing_issuers: existing.length ? existing : null,
        existing_keys: null,
        mapping,
      },
    };
  };

  const handleRevoke = (ctx: RequestContext): VaultResult => {
    const body = ctx.body;
    let serial = getString(body, 'serial_number', '');
    const certPem = getString(body, 'certificate', '');
    if (serial && certPem)
      throw badRequest(
        'Must provide either the certificate or the serial to revoke; not both.',
      );
    if (!serial && !certPem)
      throw badRequest('The serial number must be provided');
    if (certPem) {
      const block = parsePemBlocks(certPem)[0];
      if (!block) throw badRequest('certificate contains no data');
      serial = new x509.X509Certificate(block.der).serialNumber;
    }
    const normalized = normalizeSerial(serial);
    const issuer = state.issuers.find(
      i => formatSerial(i.cert.serialNumber) === normalized,
    );
    if (issuer) {
      throw badRequest(
        `adding issuer (id: ${issuer.id}) to its own CRL is not allowed`,
      );
    }
    const stored = state.certs.get(normalized);
    if (!stored)
      throw badRequest(`certificate with serial ${normalized} not found.`);
    if (stored.revocationTime === undefined) {
      stored.revocationTime = Math.floor(ctx.now / 1000);
      engine.logger.info(
        `pki ${mountRef().path}: revoked certificate ${normalized}`,
      );
    }
    return {
      data: {
        revocation_time: stored.revocationTime,
        revocation_time_rfc3339: isoTime(stored.revocationTime * 1000),
        state: 'revoked',
      },
    };
  };

  const buildCrl = async (issuer: Issuer): Promise<x509.X509Crl> => {
    const now = Date.now();
    const entries = Array.from(state.certs.values())
      .filter(c => c.revocationTime !== undefined && c.issuerId === issuer.id)
      .map(c => ({
        serialNumber: c.serial.replace(/:/g, ''),
        revocationDate: new Date(c.revocationTime! * 1000),
      }));
    return x509.X509CrlGenerator.create(
      {
        issuer: issuer.cert.subjectName,
        thisUpdate: new Date(now),
        nextUpdate: new Date(now + CRL_LIFETIME_SECONDS * 1000),
        entries,
        signingKey: issuer.privateKey!,
        signingAlgorithm: issuer.signingAlgorithm,
        extensions: [
          new x509.AuthorityKeyIdentifierExtension(
            keyIdentifier(issuer.cert.publicKey.rawData),
            false,
          ),
        ],
      },
      cryptoImpl,
    );
  };

  const rawCa = (format: 'der' | 'pem' | 'chain'): VaultResult => {
    const issuer = defaultIssuer();
    if (!issuer) {
      return {
        raw: {
          status: 204,
          contentType:
            format === 'pem'
              ? 'application/pem-certificate-chain'
              : 'application/pkix-cert',
          body: '',
        },
      };
    }
    if (format === 'der')
      return {
        raw: {
          contentType: 'application/pkix-cert',
          body: Buffer.from(issuer.cert.rawData),
        },
      };
    if (format === 'pem')
      return {
        raw: {
          contentType: 'application/pem-certificate-chain',
          body: issuer.pem,
        },
      };
    return {
      raw: {
        contentType: 'application/pkix-cert',
        body: chainPems(issuer).join('\n'),
      },
    };
  };

  const certView = (
    stored: StoredCert,
    extra: Record<string, unknown> = {},
  ): VaultResult => ({
    data: {
      certificate: stored.pem,
      revocation_time: stored.revocationTime ?? 0,
      revocation_time_rfc3339:
        stored.revocationTime !== undefined
          ? isoTime(stored.revocationTime * 1000)
          : '',
      issuer_id: stored.issuerId,
      ...extra,
    },
  });

  const issuerView = (issuer: Issuer): Record<string, unknown> => ({
    issuer_id: issuer.id,
    issuer_name: issuer.name,
    key_id: issuer.keyId,
    certificate: issuer.pem,
    ca_chain: chainPems(issuer),
    leaf_not_after_behavior: 'err',
    manual_chain: null,
    usage: 'crl-signing,issuing-certificates,ocsp-signing,read-only',
    revocation_signature_algorithm: '',
    issuing_certificates: [],
    crl_distribution_points: [],
    ocsp_servers: [],
  });

  const writeRole = (ctx: RequestContext): VaultResult => {
    const body = ctx.body;
    const role = defaultRole();
    for (const field of ROLE_LIST_FIELDS) {
      if (has(body, field)) (role[field] as string[]) = getList(body, field);
    }
    for (const field of ROLE_BOOL_FIELDS) {
      if (has(body, field))
        (role[field] as boolean) = getBool(body, field, role[field] as boolean);
    }
    role.ttl = getDuration(body, 'ttl', 0);
    role.max_ttl = getDuration(body, 'max_ttl', 0);
    role.not_before_duration = getDuration(body, 'not_before_duration', 30);
    role.not_after = getString(body, 'not_after', '');
    role.issuer_ref = getString(body, 'issuer_ref', 'default');
    role.key_type = getString(body, 'key_type', 'rsa');
    role.key_bits = normalizeKeyBits(
      role.key_type,
      getInt(body, 'key_bits', 0),
    );
    role.signature_bits = signatureBitsFor(
      role.key_type,
      role.key_bits,
      getInt(body, 'signature_bits', 0),
    );
    if (role.max_ttl > 0 && role.ttl > role.max_ttl) {
      throw badRequest('"ttl" value must be less than "max_ttl" value');
    }
    if (role.not_after && role.ttl > 0) {
      throw badRequest(
        'Either ttl or not_after should be provided. Both should not be provided in the same request.',
      );
    }
    const unknownEkus = role.ext_key_usage.filter(
      n => !EXT_KEY_USAGES.some(([name]) => name === n.trim().toLowerCase()),
    );
    if (unknownEkus.length > 0) {
      engine.logger.warn(
        `pki role ${ctx.params.name}: ext_key_usage values ${unknownEkus.join(
          ', ',
        )} are unknown and will be ignored, as Vault does`,
      );
    }
    state.roles.set(ctx.params.name, role);
    return { data: { ...role } };
  };

  const routes: Route[] = [
    { pattern: 'ca', unauthenticated: true, read: () => rawCa('der') },
    { pattern: 'ca/pem', unauthenticated: true, read: () => rawCa('pem') },
    { pattern: 'ca_chain', unauthenticated: true, read: () => rawCa('chain') },
    {
      pattern: 'cert/ca_chain',
      unauthenticated: true,
      read: () => {
        const issuer = defaultIssuer();
        if (!issuer) throw badRequest('no default issuer currently configured');
        const chain = chainPems(issuer).join('\n');
        return {
          data: {
            certificate: chain,
            ca_chain: chain,
            revocation_time: 0,
            revocation_time_rfc3339: '',
          },
        };
      },
    },
    {
      pattern: 'cert/ca',
      unauthenticated: true,
      read: () => {
        const issuer = defaultIssuer();
        if (!issuer) throw badRequest('no default issuer currently configured');
        return {
          data: {
            certificate: issuer.pem,
            revocation_time: 0,
            revocation_time_rfc3339: '',
          },
        };
      },
    },
    {
      pattern: 'cert/crl',
      unauthenticated: true,
      read: async () => {
        const issuer = defaultIssuer();
        if (!issuer?.privateKey)
          throw badRequest('no default issuer currently configured');
        const crl = await buildCrl(issuer);
        return {
          data: {
            certificate: crl.toString('pem').trim(),
            revocation_time: 0,
            revocation_time_rfc3339: '',
          },
        };
      },
    },
    {
      pattern: 'cert/:serial/raw',
      unauthenticated: true,
      read: ctx => {
        const stored = state.certs.get(normalizeSerial(ctx.params.serial));
        return stored
          ? { raw: { contentType: 'application/pkix-cert', body: stored.der } }
          : null;
      },
    },
    {
      pattern: 'cert/:serial/raw/pem',
      unauthenticated: true,
      read: ctx => {
        const stored = state.certs.get(normalizeSerial(ctx.params.serial));
        return stored
          ? {
              raw: {
                contentType: 'application/pem-certificate-chain',
                body: stored.pem,
              },
            }
          : null;
      },
    },
    {
      pattern: 'cert/:serial',
      unauthenticated: true,
      read: ctx => {
        const stored = state.certs.get(normalizeSerial(ctx.params.serial));
        return stored ? certView(stored) : null;
      },
    },
    {
      pattern: 'certs',
      list: () =>
        listResult(
          Array.from(state.certs.keys()).map(s => s.replace(/:/g, '-')),
        ),
    },
    {
      pattern: 'certs/revoked',
      list: () =>
        listResult(
          Array.from(state.certs.values())
            .filter(c => c.revocationTime !== undefined)
            .map(c => c.serial.replace(/:/g, '-')),
        ),
    },
    {
      pattern: 'crl',
      unauthenticated: true,
      read: async () => {
        const issuer = defaultIssuer();
        if (!issuer?.privateKey)
          return {
            raw: { status: 204, contentType: 'application/pkix-crl', body: '' },
          };
        return {
          raw: {
            contentType: 'application/pkix-crl',
            body: Buffer.from((await buildCrl(issuer)).rawData),
          },
        };
      },
    },
    {
      pattern: 'crl/pem',
      unauthenticated: true,
      read: async () => {
        const issuer = defaultIssuer();
        if (!issuer?.privateKey)
          return {
            raw: {
              status: 204,
              contentType: 'application/x-pem-file',
              body: '',
            },
          };
        return {
          raw: {
            contentType: 'application/x-pem-file',
            body: (await buildCrl(issuer)).toString('pem').trim(),
          },
        };
      },
    },
    {
      pattern: 'roles',
      list: () => listResult(Array.from(state.roles.keys()).sort()),
    },
    {
      pattern: 'roles/:name',
      exists: ctx => state.roles.has(ctx.params.name),
      read: ctx => {
        const role = state.roles.get(ctx.params.name);
        return role ? { data: { ...role } } : null;
      },
      write: writeRole,
      delete: ctx => {
        state.roles.delete(ctx.params.name);
        return null;
      },
    },
    {
      pattern: 'root/generate/:exported',
      write: ctx => handleGenerateRoot(ctx, ctx.params.exported),
    },
    {
      pattern: 'issuers/generate/root/:exported',
      write: ctx => handleGenerateRoot(ctx, ctx.params.exported),
    },
    {
      pattern: 'root',
      delete: () => {
        state.issuers = [];
        state.defaultIssuerId = undefined;
        return null;
      },
    },
    { pattern: 'config/ca', write: handleImportBundle },
    { pattern: 'issuers/import/bundle', write: handleImportBundle },
    {
      pattern: 'config/issuers',
      read: () => ({
        data: {
          default: state.defaultIssuerId ?? '',
          default_follows_latest_issuer: false,
        },
      }),
      write: ctx => {
        const ref = getString(ctx.body, 'default', '');
        const issuer = resolveIssuer(ref);
        if (!issuer || ref === 'default')
          throw badRequest(`unable to resolve issuer ${ref}`);
        state.defaultIssuerId = issuer.id;
        return {
          data: { default: issuer.id, default_follows_latest_issuer: false },
        };
      },
    },
    {
      pattern: 'issuers',
      unauthenticated: true,
      list: () => {
        const keyInfo: Record<string, unknown> = {};
        for (const issuer of state.issuers) {
          keyInfo[issuer.id] = {
            issuer_name: issuer.name,
            is_default: issuer.id === state.defaultIssuerId,
            key_id: issuer.keyId,
          };
        }
        return listResult(
          state.issuers.map(i => i.id),
          keyInfo,
        );
      },
    },
    {
      pattern: 'issuer/:ref/sign/:role',
      write: ctx => handleSign(ctx, ctx.params.role, false, ctx.params.ref),
    },
    {
      pattern: 'issuer/:ref/sign-verbatim/:role',
      write: ctx => handleSign(ctx, ctx.params.role, true, ctx.params.ref),
    },
    {
      pattern: 'issuer/:ref/pem',
      unauthenticated: true,
      read: ctx => {
        const issuer = resolveIssuer(ctx.params.ref);
        return issuer
          ? {
              raw: {
                contentType: 'application/pem-certificate-chain',
                body: chainPems(issuer).join('\n'),
              },
            }
          : null;
      },
    },
    {
      pattern: 'issuer/:ref/der',
      unauthenticated: true,
      read: ctx => {
        const issuer = resolveIssuer(ctx.params.ref);
        return issuer
          ? {
              raw: {
                contentType: 'application/pkix-cert',
                body: Buffer.from(issuer.cert.rawData),
              },
            }
          : null;
      },
    },
    {
      pattern: 'issuer/:ref/json',
      unauthenticated: true,
      read: ctx => {
        const issuer = resolveIssuer(ctx.params.ref);
        return issuer
          ? {
              data: {
                certificate: issuer.pem,
                ca_chain: chainPems(issuer),
                issuer_id: issuer.id,
                issuer_name: issuer.name,
              },
            }
          : null;
      },
    },
    {
      pattern: 'issuer/:ref',
      unauthenticated: true,
      read: ctx => {
        const issuer = resolveIssuer(ctx.params.ref);
        return issuer ? { data: issuerView(issuer) } : null;
      },
    },
    {
      pattern: 'sign/:role',
      write: ctx => handleSign(ctx, ctx.params.role, false),
    },
    {
      pattern: 'sign-verbatim',
      write: ctx => handleSign(ctx, undefined, true),
    },
    {
      pattern: 'sign-verbatim/:role',
      write: ctx => handleSign(ctx, ctx.params.role, true),
    },
    { pattern: 'issue/:role', write: ctx => handleIssue(ctx, ctx.params.role) },
    { pattern: 'revoke', write: handleRevoke },
  ];

  return { routes };
}

/** The SubjectPublicKeyInfo of a private key's public half, for matching keys to certificates. */
function publicSpkiOf(key: KeyObject): Buffer | undefined {
  try {
    return createPublicKey(key).export({ type: 'spki', format: 'der' });
  } catch {
    return undefined;
  }
}

/** Generates an issuer or leaf key pair with WebCrypto and reports the matching signature algorithm. */
async function generateKeyPair(
  keyType: string,
  keyBits: number,
): Promise<{
  keys: CryptoKeyPair;
  keyObject: KeyObject;
  signingAlgorithm: Algorithm | EcdsaParams;
}> {
  if (keyType === 'rsa') {
    const algorithm = {
      name: 'RSASSA-PKCS1-v1_5',
      hash: 'SHA-256',
      publicExponent: new Uint8Array([1, 0, 1]),
      modulusLength: keyBits,
    };
    const keys = (await cryptoImpl.subtle.generateKey(algorithm, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    return {
      keys,
      keyObject: KeyObject.from(
        keys.privateKey as unknown as webcrypto.CryptoKey,
      ),
      signingAlgorithm: algorithm,
    };
  }
  if (keyType === 'ec') {
    const curve = { 256: 'P-256', 384: 'P-384', 521: 'P-521' }[
      keyBits as 256 | 384 | 521
    ];
    if (!curve)
      throw badRequest(`unsupported bit length for EC key: ${keyBits}`);
    const hash = EC_HASH[curve];
    const keys = (await cryptoImpl.subtle.generateKey(
      { name: 'ECDSA', namedCurve: curve },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    return {
      keys,
      keyObject: KeyObject.from(
        keys.privateKey as unknown as webcrypto.CryptoKey,
      ),
      signingAlgorithm: { name: 'ECDSA', hash } as EcdsaParams,
    };
  }
  throw badRequest(`unknown key type: ${keyType}`);
}

/** Imports a PEM private key (PKCS#1, SEC1 or PKCS#8) as a WebCrypto signing key. */
async function importSigningKey(keyObject: KeyObject): Promise<{
  privateKey: CryptoKey;
  signingAlgorithm: Algorithm | EcdsaParams;
}> {
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  if (keyObject.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const privateKey = await cryptoImpl.subtle.importKey(
      'pkcs8',
      der,
      algorithm,
      true,
      ['sign'],
    );
    return { privateKey, signingAlgorithm: algorithm };
  }
  if (keyObject.asymmetricKeyType === 'ec') {
    const curve = {
      prime256v1: 'P-256',
      secp384r1: 'P-384',
      secp521r1: 'P-521',
    }[(keyObject.asymmetricKeyDetails?.namedCurve ?? '') as 'prime256v1'];
    if (!curve)
      throw badRequest(
        `unsupported EC curve ${keyObject.asymmetricKeyDetails?.namedCurve}`,
      );
    const hash = EC_HASH[curve];
    const privateKey = await cryptoImpl.subtle.importKey(
      'pkcs8',
      der,
      { name: 'ECDSA', namedCurve: curve },
      true,
      ['sign'],
    );
    return {
      privateKey,
      signingAlgorithm: { name: 'ECDSA', hash } as EcdsaParams,
    };
  }
  throw badRequest(
    `unsupported private key type ${keyObject.asymmetricKeyType}`,
  );
}

/** Vault returns PKCS#1 (`rsa`) or SEC1 (`ec`) keys by default, PKCS#8 on request. */
function exportPrivateKey(
  keyObject: KeyObject,
  keyType: string,
  privateKeyFormat: string,
): { pem: string; der: Buffer; type: string } {
  let type: 'pkcs8' | 'pkcs1' | 'sec1' = keyType === 'rsa' ? 'pkcs1' : 'sec1';
  if (privateKeyFormat === 'pkcs8') type = 'pkcs8';
  return {
    pem: (keyObject.export({ type, format: 'pem' }) as string).trim(),
    der: keyObject.export({ type, format: 'der' }) as Buffer,
    type: keyType,
  };
}
