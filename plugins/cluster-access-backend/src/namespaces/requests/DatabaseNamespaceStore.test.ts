import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { migrateDatabase } from '../../database/migrations';
import { DatabaseNamespaceStore } from './DatabaseNamespaceStore';
import { NewNamespaceRequest } from './NamespaceStore';

jest.setTimeout(60_000);

const t0 = new Date('2026-12-01T10:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function newRequest(
  overrides: Partial<NewNamespaceRequest> = {},
): NewNamespaceRequest {
  return {
    kind: 'create',
    cluster: 'sandbox',
    namespace: 'payments-api-dev',
    owner: 'group:default/payments',
    tier: 'dev',
    reason: 'a new service',
    requester: 'user:default/alice',
    expiresAt: at(7 * 86400),
    now: t0,
    ...overrides,
  };
}

describe('DatabaseNamespaceStore', () => {
  const databases = createTestDatabases();

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = new DatabaseNamespaceStore(
      await migrateDatabase(
        mockServices.database({ knex, migrations: { skip: false } }),
      ),
    );
    return { knex, store };
  }

  it.each(databases.eachSupportedId())(
    'files, reads and lists requests on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const a = await store.createRequest(newRequest());
      expect(a).toEqual({
        id: expect.any(String),
        kind: 'create',
        cluster: 'sandbox',
        namespace: 'payments-api-dev',
        owner: 'group:default/payments',
        tier: 'dev',
        reason: 'a new service',
        requester: 'user:default/alice',
        status: 'pending',
        attempts: 0,
        expiresAt: at(7 * 86400).toISOString(),
        createdAt: t0.toISOString(),
        updatedAt: t0.toISOString(),
      });
      const b = await store.createRequest(
        newRequest({
          namespace: 'search-index-qa',
          owner: 'group:default/search',
          tier: 'qa',
          requester: 'user:default/dave',
          now: at(1),
        }),
      );
      expect(await store.getRequest(a.id)).toEqual(a);
      expect(
        await store.getRequest('00000000-0000-4000-8000-000000000000'),
      ).toBeUndefined();
      expect((await store.listRequests()).map(r => r.id)).toEqual([b.id, a.id]);
      expect(
        (await store.listRequests({ owner: ['group:default/search'] })).map(
          r => r.id,
        ),
      ).toEqual([b.id]);
      expect(
        (await store.listRequests({ requester: 'user:default/alice' })).map(
          r => r.id,
        ),
      ).toEqual([a.id]);
      expect(await store.listRequests({ status: ['ready'] })).toEqual([]);
      expect(await store.listRequests({ limit: 1 })).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'lets exactly one of many concurrent requests hold a namespace on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          store.createRequest(
            newRequest({ requester: `user:default/user${i}` }),
          ),
        ),
      );
      const won = results.filter(r => r.status === 'fulfilled');
      const lost = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(11);
      for (const l of lost) expect(l.reason).toBeInstanceOf(ConflictError);
      expect(await store.listRequests()).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'frees the name once a request is rejected, and keeps decommissions apart, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const first = await store.createRequest(newRequest());
      await expect(store.createRequest(newRequest())).rejects.toThrow(
        ConflictError,
      );
      const rejected = await store.updateRequest(
        first.id,
        { status: ['pending'] },
        {
          status: 'rejected',
          decidedBy: 'user:default/carol',
          decisionComment: 'no',
          decidedAt: at(5),
        },
        at(5),
      );
      expect(rejected).toMatchObject({
        status: 'rejected',
        decidedBy: 'user:default/carol',
        decisionComment: 'no',
        decidedAt: at(5).toISOString(),
        updatedAt: at(5).toISOString(),
      });
      const second = await store.createRequest(newRequest({ now: at(6) }));
      expect(second.id).not.toBe(first.id);
      // The name is held whichever way a request came to hold it: one
      // moved back to an active status collides with the one filed since.
      await expect(
        store.updateRequest(
          first.id,
          { status: ['rejected'] },
          { status: 'approved' },
          at(7),
        ),
      ).rejects.toThrow(
        new ConflictError(
          `Namespace ${first.namespace} on cluster ${first.cluster} is held by another request`,
        ),
      );
      expect((await store.getRequest(first.id))?.status).toBe('rejected');

      // A decommission request does not collide with the create request it
      // targets, but two decommissions of one namespace do.
      await store.createRequest(
        newRequest({ kind: 'decommission', targetRequestId: second.id }),
      );
      await expect(
        store.createRequest(
          newRequest({ kind: 'decommission', targetRequestId: second.id }),
        ),
      ).rejects.toThrow(/decommission request/);
    },
  );

  it.each(databases.eachSupportedId())(
    'applies a transition only from the expected status on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const request = await store.createRequest(newRequest());
      const decisions = await Promise.all(
        ['approved', 'rejected', 'approved'].map((status, i) =>
          store.updateRequest(
            request.id,
            { status: ['pending'] },
            {
              status: status as 'approved' | 'rejected',
              decidedBy: `user:default/approver${i}`,
            },
            at(1),
          ),
        ),
      );
      expect(decisions.filter(d => d !== undefined)).toHaveLength(1);
      expect(
        await store.updateRequest(
          'ffffffff-0000-4000-8000-000000000000',
          { status: ['pending'] },
          { status: 'approved' },
          at(1),
        ),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'hands a due request to exactly one worker, honouring leases and retry times, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const request = await store.createRequest(newRequest());
      expect(await store.listDueRequests(at(1), 10)).toEqual([]);
      await store.updateRequest(
        request.id,
        { status: ['pending'] },
        { status: 'approved' },
        at(1),
      );
      expect((await store.listDueRequests(at(2), 10)).map(r => r.id)).toEqual([
        request.id,
      ]);

      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.claimRequest({
            id: request.id,
            workerId: `worker-${i}`,
            now: at(2),
            leaseMs: 60_000,
          }),
        ),
      );
      const winners = claims.filter(c => c !== undefined);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      expect(winner.claimedBy).toMatch(/^worker-/);
      expect(winner.claimExpiresAt).toBe(at(62).toISOString());
      expect(await store.listDueRequests(at(3), 10)).toEqual([]);

      // Only the lease holder may move it on.
      expect(
        await store.updateRequest(
          request.id,
          { status: ['approved'], claimedBy: 'someone-else' },
          { status: 'provisioning' },
          at(3),
        ),
      ).toBeUndefined();
      const failed = await store.updateRequest(
        request.id,
        { status: ['approved'], claimedBy: winner.claimedBy },
        {
          status: 'failed',
          error: 'boom',
          attempts: 1,
          nextAttemptAt: at(100),
          claimedBy: null,
          claimExpiresAt: null,
        },
        at(3),
      );
      expect(failed).toMatchObject({
        status: 'failed',
        error: 'boom',
        attempts: 1,
        nextAttemptAt: at(100).toISOString(),
      });
      expect(failed?.claimedBy).toBeUndefined();
      expect(await store.listDueRequests(at(99), 10)).toEqual([]);
      expect(
        await store.claimRequest({
          id: request.id,
          workerId: 'early',
          now: at(99),
          leaseMs: 1000,
        }),
      ).toBeUndefined();
      expect(await store.listDueRequests(at(100), 10)).toHaveLength(1);

      // A worker that died keeps the lease only until it runs out.
      const crashed = await store.claimRequest({
        id: request.id,
        workerId: 'crashed',
        now: at(100),
        leaseMs: 10_000,
      });
      expect(crashed?.claimedBy).toBe('crashed');
      expect(await store.listDueRequests(at(105), 10)).toEqual([]);
      const taken = await store.claimRequest({
        id: request.id,
        workerId: 'rescuer',
        now: at(110),
        leaseMs: 10_000,
      });
      expect(taken?.claimedBy).toBe('rescuer');
    },
  );

  it.each(databases.eachSupportedId())(
    'finds expired pending requests on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const request = await store.createRequest(
        newRequest({ expiresAt: at(60) }),
      );
      expect(await store.listExpiredPending(at(59))).toEqual([]);
      expect((await store.listExpiredPending(at(60))).map(r => r.id)).toEqual([
        request.id,
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps extra members on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const a = await store.createRequest(newRequest());
      const b = await store.createRequest(
        newRequest({ namespace: 'payments-web-dev' }),
      );
      const add = (requestId: string, user: string) =>
        store.addMember({
          requestId,
          user,
          addedBy: 'user:default/alice',
          now: t0,
        });
      expect(await add(a.id, 'user:default/erin')).toBe(true);
      expect(await add(a.id, 'user:default/erin')).toBe(false);
      expect(await add(b.id, 'user:default/dave')).toBe(true);
      const members = await store.listMembers([a.id, b.id]);
      expect(members).toHaveLength(2);
      expect(members).toEqual(
        expect.arrayContaining([
          {
            requestId: a.id,
            user: 'user:default/erin',
            addedBy: 'user:default/alice',
            createdAt: t0.toISOString(),
          },
          expect.objectContaining({
            requestId: b.id,
            user: 'user:default/dave',
          }),
        ]),
      );
      // Only the row added at that time, when the time is given.
      expect(
        await store.removeMember(a.id, 'user:default/erin', {
          addedAt: new Date(t0.getTime() + 1).toISOString(),
        }),
      ).toBe(false);
      expect(
        await store.removeMember(a.id, 'user:default/erin', {
          addedAt: t0.toISOString(),
        }),
      ).toBe(true);
      expect(await add(a.id, 'user:default/erin')).toBe(true);
      expect(await store.removeMember(a.id, 'user:default/erin')).toBe(true);
      expect(await store.removeMember(a.id, 'user:default/erin')).toBe(false);
      expect(await store.listMembers([a.id])).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'pages through the ready requests of a cluster in etcd key order on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const ready = async (
        namespace: string,
        cluster = 'sandbox',
        when = at(10),
      ) => {
        const r = await store.createRequest(newRequest({ namespace, cluster }));
        await store.updateRequest(
          r.id,
          { status: ['pending'] },
          { status: 'ready' },
          when,
        );
        return r;
      };
      // Byte order: '-' < '/' < digits < letters, whatever the database's locale.
      for (const ns of [
        'team-dev',
        'team0-dev',
        'team-dev-a-dev',
        'team-a-dev',
      ]) {
        await ready(ns);
      }
      await ready('team-b-dev', 'elsewhere');
      await store.createRequest(newRequest({ namespace: 'team-c-dev' }));
      // Ready only after the pass began: the next pass takes it.
      await ready('team-d-dev', 'sandbox', at(60));

      const all = async (order: 'name' | 'key', limit: number) => {
        const names: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listReadyPage({
            cluster: 'sandbox',
            order,
            after,
            limit,
            readyBy: at(30),
          });
          names.push(...page.map(r => r.namespace));
          if (page.length < limit) return names;
          const last = page[page.length - 1].namespace;
          after = order === 'name' ? last : `${last}/`;
        }
      };
      expect(await all('name', 3)).toEqual([
        'team-a-dev',
        'team-dev',
        'team-dev-a-dev',
        'team0-dev',
      ]);
      expect(await all('key', 1)).toEqual([
        'team-a-dev',
        'team-dev-a-dev',
        'team-dev',
        'team0-dev',
      ]);
      expect(await store.listReadyClusters(at(30))).toEqual([
        'elsewhere',
        'sandbox',
      ]);
      expect(await store.listReadyClusters(at(5))).toEqual([]);
    },
  );
});
