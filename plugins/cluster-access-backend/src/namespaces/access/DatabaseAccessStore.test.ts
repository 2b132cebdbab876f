import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { migrateDatabase } from '../../database/migrations';
import { DatabaseNamespaceStore } from '../requests/DatabaseNamespaceStore';
import { ObservedBinding } from './access';
import { DatabaseAccessStore } from './DatabaseAccessStore';

jest.setTimeout(60_000);

const t0 = '2026-12-01T10:00:00.000Z';
const t1 = '2026-12-01T10:05:00.000Z';
const EDIT = { kind: 'ClusterRole', name: 'edit' } as const;
const VIEW = { kind: 'ClusterRole', name: 'view' } as const;

describe('DatabaseAccessStore', () => {
  const databases = createTestDatabases();

  async function createStores(
    databaseId: Parameters<typeof databases.init>[0],
  ) {
    const knex = await migrateDatabase(
      mockServices.database({
        knex: await databases.init(databaseId),
        migrations: { skip: false },
      }),
    );
    const requests = new DatabaseNamespaceStore(knex);
    const { id } = await requests.createRequest({
      kind: 'create',
      cluster: 'sandbox',
      namespace: 'payments-api-dev',
      owner: 'group:default/payments',
      tier: 'dev',
      reason: 'bindings',
      requester: 'user:default/alice',
      expiresAt: new Date('2026-12-08T10:00:00.000Z'),
      now: new Date(t0),
    });
    return { store: new DatabaseAccessStore(knex), requestId: id };
  }

  const row = (
    requestId: string,
    binding: string,
    name: string,
    extra: Partial<ObservedBinding> = {},
  ): ObservedBinding => ({
    requestId,
    binding,
    subject: { kind: 'User', name },
    role: EDIT,
    firstSeenAt: t0,
    ...extra,
  });

  it.each(databases.eachSupportedId())(
    'records applied bindings as they stand, keeps when they were first seen, and forgets deleted ones, on %p',
    async databaseId => {
      const { store, requestId } = await createStores(databaseId);
      // A binding of that name made with kubectl, for two people, flagged.
      await store.saveBindings({
        insert: [
          row(requestId, 'ca-edit-erin', 'erin', { role: VIEW, flaggedAt: t0 }),
          row(requestId, 'ca-edit-erin', 'mallory', { flaggedAt: t0 }),
          row(requestId, 'team-view', 'bob', { role: VIEW }),
        ],
        remove: [],
        update: [],
      });

      // Applied over by Cluster Access: erin alone, edit, ours, not flagged.
      const applied = row(requestId, 'ca-edit-erin', 'erin', {
        firstSeenAt: t1,
        managed: true,
      });
      await store.recordAppliedBindings([applied]);
      // Again (a retry): the same.
      await store.recordAppliedBindings([applied]);
      expect(await store.listBindings([requestId])).toEqual([
        row(requestId, 'ca-edit-erin', 'erin', { managed: true }),
        row(requestId, 'team-view', 'bob', { role: VIEW }),
      ]);

      // A pass that read the table before that inserts the same row: its
      // view wins, and nothing fails.
      await store.saveBindings({
        insert: [row(requestId, 'ca-edit-erin', 'erin', { managed: true })],
        remove: [],
        update: [],
      });
      expect(await store.listBindings([requestId])).toHaveLength(2);

      // Every subject of a binding is recorded, beside other bindings.
      const both = ['alice', 'bob'].map(name =>
        row(requestId, 'ca-shared', name, { managed: true }),
      );
      await store.recordAppliedBindings([
        ...both,
        row(requestId, 'ca-rbm-erin', 'erin', { role: VIEW, managed: true }),
      ]);
      expect(await store.listBindings([requestId])).toEqual([
        row(requestId, 'ca-edit-erin', 'erin', { managed: true }),
        row(requestId, 'ca-rbm-erin', 'erin', { role: VIEW, managed: true }),
        ...both,
        row(requestId, 'team-view', 'bob', { role: VIEW }),
      ]);

      await store.forgetBindings(requestId, [
        'ca-edit-erin',
        'ca-rbm-erin',
        'ca-shared',
      ]);
      expect(await store.listBindings([requestId])).toEqual([
        row(requestId, 'team-view', 'bob', { role: VIEW }),
      ]);
    },
  );
});
