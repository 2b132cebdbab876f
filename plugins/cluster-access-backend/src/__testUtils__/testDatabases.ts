import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

/**
 * The databases every store test runs on. SQLite always; PostgreSQL when a
 * connection string is given (`.ci/run` starts one). With
 * `CLUSTER_ACCESS_REQUIRE_POSTGRES=1` a missing PostgreSQL fails the run
 * instead of silently testing SQLite alone.
 */
export function createTestDatabases(): TestDatabases {
  const ids: TestDatabaseId[] = ['SQLITE_3', 'POSTGRES_15'];
  const databases = TestDatabases.create({ ids });
  if (
    process.env.CLUSTER_ACCESS_REQUIRE_POSTGRES === '1' &&
    !databases.supports('POSTGRES_15')
  ) {
    throw new Error(
      'CLUSTER_ACCESS_REQUIRE_POSTGRES=1 but PostgreSQL is not available: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    );
  }
  return databases;
}
