import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { migrateDatabase } from './migrations';

jest.setTimeout(60_000);

const TABLES = [
  'cluster_access_history',
  'cluster_access_certificates',
  'cluster_access_namespace_requests',
  'cluster_access_namespace_members',
  'cluster_access_namespace_bindings',
];

describe('migrateDatabase', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'creates every table once, and migrates down cleanly, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({
        knex,
        migrations: { skip: false },
      });
      await migrateDatabase(database);
      // A second start (another replica, a restart) finds nothing to do.
      await migrateDatabase(database);
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      await knex.migrate.rollback(
        { directory: `${__dirname}/../../migrations` },
        true,
      );
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
    },
  );

  it('leaves the tables alone when the installation skips migrations', async () => {
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase(
      mockServices.database({ knex, migrations: { skip: true } }),
    );
    expect(await knex.schema.hasTable('cluster_access_history')).toBe(false);
  });
});
