import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@cluster-access/plugin-cluster-access-backend',
  'migrations',
);

/**
 * The plugin's database client, with its tables migrated to the latest
 * version (unless the installation manages migrations itself). The one place
 * that runs migrations: every store is built on the client it returns.
 */
export async function migrateDatabase(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
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
