import { CertificateRecord } from '@cluster-access/plugin-cluster-access-common';
import { NewHistoryEvent } from '../history/HistoryStore';

/**
 * A certificate as the store keeps it: the public record plus its owner.
 *
 * @internal
 */
export interface StoredCertificate extends CertificateRecord {
  /** Entity ref of the user the certificate was issued to. */
  userEntityRef: string;
}

/**
 * A certificate to record once the signer returned it and it passed the
 * checks.
 *
 * @internal
 */
export interface NewCertificate {
  serialNumber: string;
  userEntityRef: string;
  username: string;
  groups: string[];
  issuedAt: Date;
  expiresAt: Date;
  /** The public certificate PEM; never a key. */
  certificatePem?: string;
}

/**
 * Where issued certificates are recorded. Every replica shares it.
 *
 * @internal
 */
export interface CertificateStore {
  /**
   * Records an issued certificate together with its history event: both or
   * neither. The serial number must be new.
   */
  addCertificate(
    certificate: NewCertificate,
    event: NewHistoryEvent,
  ): Promise<StoredCertificate>;

  /** A user's certificates, newest first (at most `limit`, default 100). */
  listCertificates(options: {
    userEntityRef: string;
    limit?: number;
  }): Promise<StoredCertificate[]>;

  /** One certificate by serial number (Vault notation), if known. */
  getCertificate(serialNumber: string): Promise<StoredCertificate | undefined>;

  /**
   * Marks a certificate revoked, keeping the first revocation time if it was
   * revoked before; returns it as stored, or undefined when unknown.
   */
  markCertificateRevoked(options: {
    serialNumber: string;
    revokedAt: Date;
  }): Promise<StoredCertificate | undefined>;
}
