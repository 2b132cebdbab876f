import { Knex } from 'knex';
import { toIso } from '../database/migrations';
import {
  CertificateStore,
  NewCertificate,
  StoredCertificate,
} from './CertificateStore';

type CertificateRow = {
  serial_number: string;
  user_entity_ref: string;
  username: string;
  groups: string;
  issued_at: Date | string | number;
  expires_at: Date | string | number;
  revoked_at: Date | string | number | null;
  certificate: string | null;
};

function toCertificate(row: CertificateRow): StoredCertificate {
  return {
    serialNumber: row.serial_number,
    userEntityRef: row.user_entity_ref,
    username: row.username,
    groups: JSON.parse(row.groups),
    issuedAt: toIso(row.issued_at),
    expiresAt: toIso(row.expires_at),
    ...(row.revoked_at !== null && row.revoked_at !== undefined
      ? { revokedAt: toIso(row.revoked_at) }
      : {}),
  };
}

/**
 * {@link CertificateStore} on the plugin's database (SQLite or PostgreSQL).
 *
 * @public
 */
export class DatabaseCertificateStore implements CertificateStore {
  constructor(private readonly db: Knex) {}

  async addCertificate(
    certificate: NewCertificate,
  ): Promise<StoredCertificate> {
    const row: CertificateRow = {
      serial_number: certificate.serialNumber,
      user_entity_ref: certificate.userEntityRef,
      username: certificate.username,
      groups: JSON.stringify(certificate.groups),
      issued_at: certificate.issuedAt,
      expires_at: certificate.expiresAt,
      revoked_at: null,
      certificate: certificate.certificatePem ?? null,
    };
    await this.db<CertificateRow>('cluster_access_certificates').insert(row);
    return toCertificate(row);
  }

  async listCertificates(options: {
    userEntityRef: string;
    limit?: number;
  }): Promise<StoredCertificate[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const rows: CertificateRow[] = await this.db<CertificateRow>(
      'cluster_access_certificates',
    )
      .where('user_entity_ref', options.userEntityRef)
      .orderBy([
        { column: 'issued_at', order: 'desc' },
        { column: 'serial_number', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toCertificate);
  }

  async getCertificate(
    serialNumber: string,
  ): Promise<StoredCertificate | undefined> {
    const row = await this.db<CertificateRow>('cluster_access_certificates')
      .where('serial_number', serialNumber)
      .first();
    return row ? toCertificate(row) : undefined;
  }

  async markCertificateRevoked(options: {
    serialNumber: string;
    revokedAt: Date;
  }): Promise<StoredCertificate | undefined> {
    await this.db<CertificateRow>('cluster_access_certificates')
      .where('serial_number', options.serialNumber)
      .whereNull('revoked_at')
      .update({ revoked_at: options.revokedAt });
    return this.getCertificate(options.serialNumber);
  }
}
