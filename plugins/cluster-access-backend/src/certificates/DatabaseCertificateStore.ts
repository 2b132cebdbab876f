import { Knex } from 'knex';
import { toIso } from '../database/migrations';
import { HISTORY_TABLE, newHistoryRow } from '../history/DatabaseHistoryStore';
import { NewHistoryEvent } from '../history/HistoryStore';
import {
  CertificateStore,
  NewCertificate,
  StoredCertificate,
} from './CertificateStore';

const TABLE = 'cluster_access_certificates';

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
 * @internal
 */
export class DatabaseCertificateStore implements CertificateStore {
  constructor(private readonly db: Knex) {}

  async addCertificate(
    certificate: NewCertificate,
    event: NewHistoryEvent,
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
    const history = newHistoryRow(event).row;
    if (this.db.client.dialect === 'postgresql') {
      // One statement, so one round trip and atomic: PostgreSQL runs a
      // data-modifying WITH to completion whether or not the main statement
      // reads it.
      await this.db
        .with('certificate', this.db(TABLE).insert(row))
        .insert(history)
        .into(HISTORY_TABLE);
    } else {
      // SQLite has no INSERT in WITH; it is in-process, so a transaction
      // costs no round trips.
      await this.db.transaction(async trx => {
        await trx(TABLE).insert(row);
        await trx(HISTORY_TABLE).insert(history);
      });
    }
    return toCertificate(row);
  }

  async listCertificates(options: {
    userEntityRef: string;
    limit?: number;
  }): Promise<StoredCertificate[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const rows: CertificateRow[] = await this.db<CertificateRow>(TABLE)
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
    const row = await this.db<CertificateRow>(TABLE)
      .where('serial_number', serialNumber)
      .first();
    return row ? toCertificate(row) : undefined;
  }

  async markCertificateRevoked(options: {
    serialNumber: string;
    revokedAt: Date;
  }): Promise<StoredCertificate | undefined> {
    await this.db<CertificateRow>(TABLE)
      .where('serial_number', options.serialNumber)
      .whereNull('revoked_at')
      .update({ revoked_at: options.revokedAt });
    return this.getCertificate(options.serialNumber);
  }
}
