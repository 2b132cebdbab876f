import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  ClusterAccessStore,
  HistoryQuery,
  NewCertificate,
  StoredCertificate,
} from './ClusterAccessStore';

const migrationsDir = resolvePackagePath(
  '@cluster-access/plugin-cluster-access-backend',
  'migrations',
);

type HistoryRow = {
  seq: number | string;
  id: string;
  created_at: Date | string | number;
  actor: string;
  type: string;
  request_id: string | null;
  namespace: string | null;
  message: string;
  details: string | null;
};

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

/** Reads a timestamp column the same way on every database. */
export function toIso(value: Date | string | number): string {
  // PostgreSQL returns Date objects; better-sqlite3 returns what was written
  // (epoch milliseconds for a Date) or, for column defaults, a UTC string
  // "YYYY-MM-DD HH:MM:SS".
  if (value instanceof Date || typeof value === 'number') {
    return new Date(value).toISOString();
  }
  const normalized = /[zZ]|[+-]\d\d:?\d\d$/.test(value)
    ? value
    : `${value.replace(' ', 'T')}Z`;
  return new Date(normalized).toISOString();
}

/**
 * {@link ClusterAccessStore} on Backstage's database service (SQLite or
 * PostgreSQL).
 *
 * @public
 */
export class DatabaseClusterAccessStore implements ClusterAccessStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseClusterAccessStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseClusterAccessStore(client);
  }

  private constructor(private readonly db: Knex) {}

  async addHistoryEvent(
    event: Omit<HistoryEvent, 'id' | 'createdAt'>,
  ): Promise<HistoryEvent> {
    const id = randomUUID();
    const createdAt = new Date();
    await this.db<HistoryRow>('cluster_access_history').insert({
      id,
      created_at: createdAt,
      actor: event.actor,
      type: event.type,
      request_id: event.requestId ?? null,
      namespace: event.namespace ?? null,
      message: event.message,
      details: event.details ? JSON.stringify(event.details) : null,
    });
    return { ...event, id, createdAt: createdAt.toISOString() };
  }

  async listHistory(query: HistoryQuery = {}): Promise<HistoryEvent[]> {
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    let q = this.db<HistoryRow>('cluster_access_history')
      .select('*')
      .orderBy('seq', 'desc')
      .limit(limit);
    if (query.requestId) q = q.where('request_id', query.requestId);
    if (query.namespace) q = q.where('namespace', query.namespace);
    if (query.actor) q = q.where('actor', query.actor);
    const rows: HistoryRow[] = await q;
    return rows.map(row => ({
      id: row.id,
      createdAt: toIso(row.created_at),
      actor: row.actor,
      type: row.type,
      message: row.message,
      ...(row.request_id ? { requestId: row.request_id } : {}),
      ...(row.namespace ? { namespace: row.namespace } : {}),
      ...(row.details ? { details: JSON.parse(row.details) } : {}),
    }));
  }

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
