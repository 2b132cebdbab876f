import { mockServices } from '@backstage/backend-test-utils';
import { migrateDatabase } from '../database/migrations';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseHistoryStore } from './DatabaseHistoryStore';
import { HistoryQuery } from './HistoryStore';

jest.setTimeout(60_000);

describe('DatabaseHistoryStore paging', () => {
  const databases = createTestDatabases();

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const db = await migrateDatabase(
      mockServices.database({ knex, migrations: { skip: false } }),
    );
    return new DatabaseHistoryStore(db);
  }

  // All at the same instant: only the insertion order can tell them apart.
  const at = new Date('2026-12-01T10:00:00.000Z');
  const event = (actor: string, message: string) => ({
    actor,
    type: 'certificate.issued',
    message,
    at,
  });

  it.each(databases.eachSupportedId())(
    'pages through filtered events with inserts between pages, none repeated or skipped, on %p',
    async databaseId => {
      const store = await createStore(databaseId);
      const alice = 'user:default/alice';
      const bob = 'user:default/bob';
      await store.addHistoryEvents(
        [1, 2, 3, 4, 5].flatMap(n => [
          event(alice, `alice ${n}`),
          event(bob, `bob ${n}`),
        ]),
      );

      const query: HistoryQuery = { actor: alice, limit: 2 };
      const pages: string[][] = [];
      let before: number | undefined;
      for (let n = 0; n < 5; n++) {
        const page = await store.listHistoryPage({ ...query, before });
        pages.push(page.items.map(e => e.message));
        // New events while someone pages: they are newer than every page.
        await store.addHistoryEvents([
          event(alice, `alice new ${n}`),
          event(bob, `bob new ${n}`),
        ]);
        before = page.nextBefore;
        if (before === undefined) break;
      }
      expect(pages).toEqual([
        ['alice 5', 'alice 4'],
        ['alice 3', 'alice 2'],
        ['alice 1'],
      ]);

      // A last page that is exactly full says there is no more.
      const all = await store.listHistoryPage({ actor: alice, limit: 8 });
      expect(all.items.map(e => e.message)).toEqual([
        'alice new 2',
        'alice new 1',
        'alice new 0',
        'alice 5',
        'alice 4',
        'alice 3',
        'alice 2',
        'alice 1',
      ]);
      expect(all.nextBefore).toBeUndefined();
      const first = await store.listHistoryPage({ limit: 15 });
      expect(first.nextBefore).toEqual(expect.any(Number));
      const rest = await store.listHistoryPage({
        limit: 15,
        before: first.nextBefore,
      });
      expect(rest.items.map(e => e.message)).toEqual(['alice 1']);
      expect(rest.nextBefore).toBeUndefined();
    },
  );
});
