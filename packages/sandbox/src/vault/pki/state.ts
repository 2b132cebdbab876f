import * as x509 from '@peculiar/x509';
import type { KeyObject } from 'node:crypto';
import { badRequest } from '../errors';
import type { MountEntry, PeerLogger } from '../types';
import { formatSerial, pemOf } from './certs';

/** A PKI role, stored with the field names Vault uses on the wire. */
export interface PkiRole {
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

export interface Issuer {
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

export interface StoredCert {
  serial: string;
  der: Buffer;
  pem: string;
  notAfter: number;
  issuerId: string;
  revocationTime?: number;
}

/** What one PKI mount keeps: its issuers (and which is the default), roles and certificates. */
export class PkiState {
  issuers: Issuer[] = [];
  defaultIssuerId?: string;
  readonly roles = new Map<string, PkiRole>();
  readonly certs = new Map<string, StoredCert>();

  defaultIssuer(): Issuer | undefined {
    return this.issuers.find(i => i.id === this.defaultIssuerId);
  }

  resolveIssuer(ref: string): Issuer | undefined {
    if (!ref || ref === 'default') return this.defaultIssuer();
    return this.issuers.find(i => i.id === ref || i.name === ref);
  }

  /** The issuer to sign with, refused with Vault's `fetchCAInfo` messages when it cannot sign. */
  requireIssuer(ref: string): Issuer {
    const issuer = this.resolveIssuer(ref);
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
  }

  /** Adds an issuer and its certificate; the first one that can sign becomes the default. */
  addIssuer(issuer: Issuer): void {
    this.issuers.push(issuer);
    this.storeCert(issuer.cert, issuer.id);
    if (!this.defaultIssuer() && issuer.privateKey) {
      this.defaultIssuerId = issuer.id;
    }
  }

  storeCert(cert: x509.X509Certificate, issuerId: string): void {
    const serial = formatSerial(cert.serialNumber);
    this.certs.set(serial, {
      serial,
      der: Buffer.from(cert.rawData),
      pem: pemOf(cert),
      notAfter: cert.notAfter.getTime(),
      issuerId,
    });
  }
}

/** What every part of a mount's PKI backend works with. */
export interface PkiMount {
  state: PkiState;
  logger: PeerLogger;
  /** The live mount entry, for tuned TTLs and the path in log lines. */
  mount(): MountEntry;
}

export function chainPems(issuer: Issuer): string[] {
  return issuer.chain.map(pemOf);
}
