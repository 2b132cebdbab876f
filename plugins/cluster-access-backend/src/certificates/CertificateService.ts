import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  stringifyError,
} from '@backstage/errors';
import {
  CertificateIdentity,
  CertificateRecord,
  ClusterInfo,
  explainCertificateGroups,
  IssuedCertificate,
  resolveCertificateUsername,
} from '@cluster-access/plugin-cluster-access-common';
import {
  CertificateSigner,
  ClusterDirectory,
  DirectoryUser,
  IdentityDirectory,
} from '@cluster-access/plugin-cluster-access-node';
import { CertificatesSettings } from '../config/types';
import { HistoryRecorder } from '../history/HistoryRecorder';
import { Caller } from '../lib/caller';
import { CertificateStore, StoredCertificate } from './CertificateStore';
import { checkCsr, checkCsrGroups } from './csr';
import { checkIssuedCertificate } from './issued';
import { FailureSentence, failureSentence } from './failures';
import { IssuanceOutcome, recordIssuance } from '../metrics/metrics';
import { normalizeSerial, splitPemCertificates } from './pem';

/** Shortest certificate anyone may ask for, in seconds. */
export const MIN_TTL_SECONDS = 60;

/**
 * Options for {@link CertificateService}.
 *
 * @internal
 */
export interface CertificateServiceOptions {
  certificates: CertificatesSettings;
  /** The clusters a kubeconfig gets, as known when each certificate is issued. */
  clusters: ClusterDirectory;
  signer: CertificateSigner;
  /** Where users' groups beyond the catalog come from (Vault's identities); optional. */
  directory?: IdentityDirectory;
  store: CertificateStore;
  history: HistoryRecorder;
  logger: LoggerService;
}

/** Refusals are the user's to fix; the rest are the operators'. */
function issuanceOutcome(reason: FailureSentence['reason']): IssuanceOutcome {
  switch (reason) {
    case 'signer-unavailable':
    case 'signer-error':
      return 'upstream_failure';
    case 'internal-error':
      return 'error';
    default:
      return 'refused';
  }
}

function toRecord(stored: StoredCertificate): CertificateRecord {
  const { userEntityRef: _owner, ...record } = stored;
  return record;
}

/**
 * Issues, lists and revokes users' client certificates: computes who the
 * user is for Kubernetes, validates the CSR, has the signer sign it, checks
 * what comes back, and records it. Knows nothing of HTTP.
 *
 * @internal
 */
export class CertificateService {
  private readonly options: CertificateServiceOptions;

  constructor(options: CertificateServiceOptions) {
    this.options = options;
  }

  private clusters(): ClusterInfo[] {
    return this.options.clusters.list().map(c => ({
      name: c.name,
      ...(c.title ? { title: c.title } : {}),
      server: c.url,
      ...(c.caPem
        ? { certificateAuthorityData: Buffer.from(c.caPem).toString('base64') }
        : {}),
    }));
  }

  /**
   * The username and groups a certificate for this user carries. Only reads:
   * a user without a Vault identity has none of its groups, and looking
   * creates nothing.
   */
  async getIdentity(user: Caller): Promise<CertificateIdentity> {
    const username = this.username(user);
    const { groups } = await this.groups(
      user,
      username,
      this.options.certificates.includeVaultGroups,
    );
    const maxTtlSeconds = await this.maxTtlSeconds();
    return {
      username,
      groups,
      defaultTtlSeconds: Math.min(
        this.options.certificates.defaultTtlSeconds,
        maxTtlSeconds,
      ),
      maxTtlSeconds,
    };
  }

  /**
   * Issues a certificate for the CSR. Every check that needs nothing from
   * Vault runs first; then Vault is read for the user's groups (only when
   * they go into certificates); the Vault identity is created and the CSR
   * signed only once the CSR passed every check. Nothing is recorded unless
   * the signer returned a certificate that passed every check.
   */
  async issue(options: {
    user: Caller;
    csrPem: string;
    ttlSeconds?: number;
  }): Promise<IssuedCertificate> {
    const startedAt = performance.now();
    try {
      const issued = await this.issueChecked(options);
      recordIssuance(startedAt, 'issued');
      return issued;
    } catch (error) {
      const { reason } = failureSentence(error);
      recordIssuance(startedAt, issuanceOutcome(reason), reason);
      throw error;
    }
  }

  private async issueChecked(options: {
    user: Caller;
    csrPem: string;
    ttlSeconds?: number;
  }): Promise<IssuedCertificate> {
    const { certificates, directory, logger } = this.options;
    const { user } = options;
    const ttl = options.ttlSeconds;
    if (
      ttl !== undefined &&
      (ttl < MIN_TTL_SECONDS || ttl > certificates.maxTtlSeconds)
    ) {
      throw new InputError(
        `ttlSeconds must be between ${MIN_TTL_SECONDS} and ${certificates.maxTtlSeconds}, got ${ttl}`,
      );
    }
    const username = this.username(user);
    const csr = await checkCsr({ csrPem: options.csrPem, username });
    const { groups, found } = await this.groups(
      user,
      username,
      certificates.includeVaultGroups,
    );
    checkCsrGroups(csr, groups);

    const warnings: string[] = [];
    const maxTtlSeconds = await this.maxTtlSeconds();
    let ttlSeconds =
      ttl ?? Math.min(certificates.defaultTtlSeconds, maxTtlSeconds);
    if (ttlSeconds > maxTtlSeconds) {
      warnings.push(
        `The requested lifetime of ${ttlSeconds}s was capped to ${maxTtlSeconds}s by the signer's role`,
      );
      ttlSeconds = maxTtlSeconds;
    }
    await directory?.ensureUser({
      username,
      userEntityRef: user.userEntityRef,
      found,
    });
    const { signed, checked } = await this.signAndCheck({
      user,
      csr,
      ttlSeconds,
      username,
      groups,
      warnings,
    });
    if (signed.warnings.length) {
      logger.info(
        `Signer warnings for certificate ${
          checked.serialNumber
        }: ${signed.warnings.join('; ')}`,
      );
    }
    // The auditor's certificate-issue event (serial, user, groups, expiry)
    // is the operators' record at info; this line would only repeat it, at
    // a cost on every issuance.
    logger.debug(
      `Issued certificate ${checked.serialNumber} to ${user.userEntityRef} as ${username}`,
    );
    return {
      certificate: signed.certificatePem,
      caChain: signed.caChainPems.flatMap(splitPemCertificates),
      serialNumber: checked.serialNumber,
      expiresAt: checked.notAfter.toISOString(),
      username,
      groups,
      clusters: this.clusters(),
      warnings: [...warnings, ...signed.warnings],
    };
  }

  /**
   * Has the signer sign the CSR, checks what comes back and records it with
   * its history event, both or neither. A certificate that fails the checks
   * or cannot be recorded is revoked at once: nobody could list or revoke it
   * otherwise, and the history would not show it.
   */
  private async signAndCheck(options: {
    user: Caller;
    csr: Awaited<ReturnType<typeof checkCsr>>;
    ttlSeconds: number;
    username: string;
    groups: string[];
    /** Our own warnings, for the history event. */
    warnings: string[];
  }) {
    const { signer, store, history } = this.options;
    const { user, csr, ttlSeconds, username, groups, warnings } = options;
    const requestedAt = new Date();
    const signed = await signer.sign({
      csrPem: csr.pem,
      ttlSeconds,
      username,
      groups,
      keyType: csr.keyType,
    });
    let checked;
    try {
      checked = await checkIssuedCertificate({
        certificatePem: signed.certificatePem,
        caChainPems: signed.caChainPems,
        trustAnchorPems: await signer.getTrustAnchors(),
        username,
        groups,
        publicKeyDer: csr.publicKeyDer,
        keyType: csr.keyType,
        serialNumber: signed.serialNumber,
        notAfterLimit: new Date(requestedAt.getTime() + ttlSeconds * 1000),
      });
    } catch (error) {
      await this.revokeQuietly(signed.serialNumber, 'it failed the checks');
      throw error;
    }
    const { serialNumber, notAfter } = checked;
    const event = {
      actor: user.userEntityRef,
      message: `Certificate ${serialNumber} issued to ${username}`,
      details: {
        serialNumber,
        username,
        groups,
        expiresAt: notAfter.toISOString(),
        key: csr.keyDescription,
        // Our own warnings only: the signer's are its text, for the logs.
        ...(warnings.length ? { warnings } : {}),
      },
    };
    try {
      await history.certificateWith('certificate.issued', event, row =>
        store.addCertificate(
          {
            serialNumber,
            userEntityRef: user.userEntityRef,
            username,
            groups,
            issuedAt: requestedAt,
            expiresAt: notAfter,
            certificatePem: signed.certificatePem,
          },
          row,
        ),
      );
    } catch (error) {
      // A certificate nobody can list or revoke must not stay valid.
      await this.revokeQuietly(signed.serialNumber, 'it could not be recorded');
      throw error;
    }
    return { signed, checked };
  }

  /** The user's own certificates, newest first. */
  async list(user: Caller): Promise<CertificateRecord[]> {
    const stored = await this.options.store.listCertificates({
      userEntityRef: user.userEntityRef,
    });
    return stored.map(toRecord);
  }

  /**
   * Revokes one of the user's own certificates with the signer and in the
   * store. Unknown serials and other users' certificates are both 404, so
   * that nobody learns which serials exist.
   */
  async revoke(options: {
    user: Caller;
    serialNumber: string;
  }): Promise<CertificateRecord> {
    const { store, signer } = this.options;
    const serial = normalizeSerial(options.serialNumber);
    const stored = serial ? await store.getCertificate(serial) : undefined;
    if (!stored || stored.userEntityRef !== options.user.userEntityRef) {
      throw new NotFoundError(
        `You have no certificate with serial number ${options.serialNumber}`,
      );
    }
    if (stored.revokedAt) {
      return toRecord(stored);
    }
    await signer.revoke({ serialNumber: stored.serialNumber });
    const revoked = await store.markCertificateRevoked({
      serialNumber: stored.serialNumber,
      revokedAt: new Date(),
    });
    await this.options.history.certificate('certificate.revoked', {
      actor: options.user.userEntityRef,
      message: `Certificate ${stored.serialNumber} of ${stored.username} revoked`,
      details: {
        serialNumber: stored.serialNumber,
        username: stored.username,
        groups: stored.groups,
      },
    });
    return toRecord(revoked ?? stored);
  }

  /**
   * Records a failed issuance or revocation in the public history as a
   * sentence a user understands; what went wrong in detail (Vault's
   * address, its error text) goes to the logs and the auditor only.
   */
  async recordFailure(options: {
    actor: string;
    action: 'issue' | 'revoke';
    error: unknown;
    serialNumber?: string;
  }): Promise<void> {
    const failure = failureSentence(options.error);
    this.options.logger.warn(
      `Certificate ${options.action} for ${
        options.actor
      } failed: ${stringifyError(options.error)}`,
    );
    await this.options.history.certificate('certificate.failed', {
      actor: options.actor,
      message: `Certificate ${
        options.action === 'issue' ? 'issuance' : 'revocation'
      } failed: ${failure.sentence}`,
      details: {
        action: options.action,
        reason: failure.reason,
        ...(options.serialNumber ? { serialNumber: options.serialNumber } : {}),
      },
    });
  }

  /** The certificate username of the user, or a 403 saying why there is none. */
  private username(user: Caller): string {
    const resolved = resolveCertificateUsername({
      userEntityRef: user.userEntityRef,
      format: this.options.certificates.usernameFormat,
    });
    if ('problem' in resolved) {
      throw new NotAllowedError(
        `No certificate can be issued to ${user.userEntityRef}: ${resolved.problem}`,
      );
    }
    return resolved.username;
  }

  /**
   * The groups a certificate carries, reading (never writing) the user's
   * Vault identity when Vault groups are wanted.
   */
  private async groups(
    user: Caller,
    username: string,
    withVault: boolean,
  ): Promise<{ groups: string[]; found?: DirectoryUser | null }> {
    const { certificates, directory, logger } = this.options;
    // null: looked, and there is none yet.
    const found =
      withVault && directory
        ? (await directory.findUser({
            username,
            userEntityRef: user.userEntityRef,
          })) ?? null
        : undefined;
    const { groups, dropped } = explainCertificateGroups({
      vaultGroups: found?.groups ?? [],
      ownershipEntityRefs: user.ownershipEntityRefs,
      prefix: certificates.groupPrefix,
      includeVaultGroups: certificates.includeVaultGroups,
      allowedGroups: certificates.allowedGroups,
      deniedGroups: certificates.deniedGroups,
    });
    for (const group of dropped) {
      logger.debug(
        `Left ${group.source} group ${group.name} out of ${user.userEntityRef}'s certificates: ${group.reason}`,
      );
    }
    return { groups, found };
  }

  private async maxTtlSeconds(): Promise<number> {
    const configured = this.options.certificates.maxTtlSeconds;
    const signerMax = await this.options.signer.getMaxTtlSeconds();
    return signerMax ? Math.min(configured, signerMax) : configured;
  }

  private async revokeQuietly(serialNumber: string, why: string) {
    try {
      await this.options.signer.revoke({ serialNumber });
      this.options.logger.warn(
        `Revoked certificate ${serialNumber} because ${why}`,
      );
    } catch (e) {
      this.options.logger.error(
        `Certificate ${serialNumber} could not be revoked after ${why}: ${stringifyError(
          e,
        )}`,
      );
    }
  }
}
