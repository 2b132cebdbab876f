import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { ClusterAccessStore, HistoryQuery } from './ClusterAccessStore';

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
}
