import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { BadGatewayError } from '../../lib/errors';
import {
  CertificateSigner,
  SignCertificateRequest,
  SignedCertificate,
} from '@cluster-access/plugin-cluster-access-node';
import { splitPemCertificates } from '../pem';
import { VaultClient } from './VaultClient';

/** The parts of a PKI role the backend relies on. */
interface RoleInfo {
  maxTtlSeconds?: number;
  readAt: number;
}

// A role changes rarely; re-read it now and then so that a lowered max_ttl
// takes effect without a restart.
const ROLE_CACHE_MS = 5 * 60_000;

/**
 * Options for {@link VaultCertificateSigner}.
 *
 * @internal
 */
export interface VaultCertificateSignerOptions {
  client: VaultClient;
  pkiMount: string;
  role: string;
  /** The expected issuing CA; default: `<pkiMount>/ca/pem`, read once. */
  caPem?: string;
  logger: LoggerService;
}

/**
 * {@link CertificateSigner} on Vault's PKI secrets engine, through
 * `<pkiMount>/sign-verbatim/<role>`: the only endpoint that signs a subject
 * with per-user O values. The role contributes its TTLs; the key usages a
 * client certificate needs are sent with each request.
 *
 * @internal
 */
export class VaultCertificateSigner implements CertificateSigner {
  private readonly client: VaultClient;
  private readonly pkiMount: string;
  private readonly role: string;
  private readonly logger: LoggerService;
  private anchors?: string[];
  private roleInfo?: RoleInfo;

  constructor(options: VaultCertificateSignerOptions) {
    this.client = options.client;
    this.pkiMount = options.pkiMount;
    this.role = options.role;
    this.logger = options.logger;
    if (options.caPem) {
      this.anchors = splitPemCertificates(options.caPem);
      if (this.anchors.length === 0) {
        throw new Error(
          'clusterAccess.vault.caFile contains no PEM certificate',
        );
      }
    }
  }

  /**
   * Reads the role and logs a warning for each way it does not fit client
   * certificates. Returns the problems; never throws, so that a Vault that is
   * down at startup does not stop the backend.
   */
  async checkRole(): Promise<string[]> {
    const where = `PKI role '${this.role}' at ${this.pkiMount}/`;
    let data: Record<string, unknown> | undefined;
    try {
      const res = await this.client.read(
        `${this.pkiMount}/roles/${this.role}`,
        { action: `read the ${where}`, allowNotFound: true },
      );
      data = res?.data;
    } catch (e) {
      const problem = `Could not check the ${where}: ${(e as Error).message}`;
      this.logger.warn(problem);
      return [problem];
    }
    if (!data) {
      const problem = `The ${where} does not exist; certificate issuance will fail`;
      this.logger.warn(problem);
      return [problem];
    }
    this.roleInfo = this.toRoleInfo(data);
    // sign-verbatim takes only the TTLs, no_store, generate_lease,
    // not_before_duration and the issuer from the role (pathSignVerbatim in
    // Vault's builtin/logical/pki); key_type, client_flag, server_flag and the
    // name rules do not apply to it: the backend's CSR checks and the
    // ext_key_usage it asks for decide the certificate. So only these matter.
    const problems: string[] = [];
    if (data.no_store === true) {
      problems.push(
        `The ${where} has no_store on: Vault keeps no record of the certificates it signs, so the backend cannot revoke one (it revokes any certificate that fails its checks, and on request)`,
      );
    }
    if (data.generate_lease === true) {
      problems.push(
        `The ${where} has generate_lease on: Vault stores a lease for every short-lived certificate, which the backend never uses`,
      );
    }
    for (const problem of problems) this.logger.warn(problem);
    return problems;
  }

  async getMaxTtlSeconds(): Promise<number | undefined> {
    if (!this.roleInfo || Date.now() - this.roleInfo.readAt > ROLE_CACHE_MS) {
      try {
        const res = await this.client.read(
          `${this.pkiMount}/roles/${this.role}`,
          { action: `read PKI role '${this.role}'`, allowNotFound: true },
        );
        if (res?.data) this.roleInfo = this.toRoleInfo(res.data);
      } catch (e) {
        // Signing will report Vault's state; the cap is only an optimisation
        // of the TTL we ask for, and Vault caps on its side anyway.
        this.logger.debug(
          `Could not read the PKI role: ${(e as Error).message}`,
        );
      }
    }
    return this.roleInfo?.maxTtlSeconds;
  }

  async getTrustAnchors(): Promise<string[]> {
    if (this.anchors) return this.anchors;
    const pem = await this.client.read<string>(`${this.pkiMount}/ca/pem`, {
      action: `read the CA certificate of ${this.pkiMount}/`,
    });
    const anchors = typeof pem === 'string' ? splitPemCertificates(pem) : [];
    if (anchors.length === 0) {
      throw new BadGatewayError(
        `Vault returned no CA certificate at ${this.pkiMount}/ca/pem`,
      );
    }
    this.anchors = anchors;
    return anchors;
  }

  async sign(request: SignCertificateRequest): Promise<SignedCertificate> {
    const res = await this.client.write(
      `${this.pkiMount}/sign-verbatim/${this.role}`,
      {
        csr: request.csrPem,
        ttl: `${request.ttlSeconds}s`,
        format: 'pem',
        key_usage:
          request.keyType === 'rsa'
            ? ['DigitalSignature', 'KeyEncipherment']
            : ['DigitalSignature'],
        ext_key_usage: ['ClientAuth'],
        // sign-verbatim takes SANs from the CSR only (and the CSR checks
        // allow none); this keeps a hostname-like CN out of them too, should
        // Vault ever build them from the CN as its sign path does.
        exclude_cn_from_sans: true,
      },
      {
        action: 'sign the certificate',
        badRequest: message =>
          new InputError(`Vault refused the certificate request: ${message}`),
      },
    );
    const data = res?.data ?? {};
    if (typeof data.certificate !== 'string' || !data.serial_number) {
      throw new BadGatewayError(
        'Vault answered the signing request without a certificate',
      );
    }
    const chain: string[] = Array.isArray(data.ca_chain)
      ? data.ca_chain.filter((c: unknown) => typeof c === 'string')
      : [];
    if (chain.length === 0 && typeof data.issuing_ca === 'string') {
      chain.push(data.issuing_ca);
    }
    return {
      certificatePem: data.certificate,
      caChainPems: chain,
      serialNumber: String(data.serial_number).toLowerCase(),
      warnings: Array.isArray(res.warnings)
        ? res.warnings.filter((w: unknown) => typeof w === 'string')
        : [],
    };
  }

  async revoke(options: { serialNumber: string }): Promise<void> {
    await this.client.write(
      `${this.pkiMount}/revoke`,
      { serial_number: options.serialNumber },
      {
        action: `revoke certificate ${options.serialNumber}`,
        badRequest: message =>
          new ConflictError(`Vault cannot revoke this certificate: ${message}`),
      },
    );
  }

  private toRoleInfo(data: Record<string, unknown>): RoleInfo {
    const maxTtl = Number(data.max_ttl ?? 0);
    return {
      maxTtlSeconds: Number.isFinite(maxTtl) && maxTtl > 0 ? maxTtl : undefined,
      readAt: Date.now(),
    };
  }
}
