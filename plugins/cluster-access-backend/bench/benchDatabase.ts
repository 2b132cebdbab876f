/*
 * The benchmarks' backend database: SQLite in memory, or with BENCH_POSTGRES
 * (a server's connection string, as production runs) a database of its own
 * there, dropped at the end.
 */
import knexFactory, { Knex } from 'knex';

export async function openBenchDatabase(): Promise<{
  knex: Knex;
  /** The database's own connection string (PostgreSQL only). */
  url?: string;
  drop: () => Promise<void>;
}> {
  const server = process.env.BENCH_POSTGRES;
  if (!server) {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    return { knex, drop: async () => {} };
  }
  const name = `cluster_access_bench_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection: server });
  await admin.raw('CREATE DATABASE ??', [name]);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    knex: knexFactory({ client: 'pg', connection: url.toString() }),
    url: url.toString(),
    drop: async () => {
      await admin.raw('DROP DATABASE ??', [name]);
      await admin.destroy();
    },
  };
}
