import { mockServices } from '@backstage/backend-test-utils';
import { DatabaseCertificateStore } from '../certificates/DatabaseCertificateStore';
import { migrateDatabase } from '../database/migrations';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseHistoryStore } from './DatabaseHistoryStore';

jest.setTimeout(60_000);

describe('DatabaseHistoryStore and DatabaseCertificateStore', () => {
  const databases = createTestDatabases();

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const db = await migrateDatabase(
      mockServices.database({ knex, migrations: { skip: false } }),
    );
    const history = new DatabaseHistoryStore(db);
    const certificates = new DatabaseCertificateStore(db);
    return { knex, history, certificates };
  }

  it.each(databases.eachSupportedId())(
    'appends history and reads it back newest first, with filters, on %p',
    async databaseId => {
      const { history: store } = await createStore(databaseId);
      const first = await store.addHistoryEvent({
        actor: 'user:default/alice',
        type: 'request.created',
        requestId: '6f1c3c50-0000-4000-8000-000000000001',
        namespace: 'sandbox/team-a-dev',
        message: 'alice asked for team-a-dev',
        details: { tier: 'dev' },
      });
      const second = await store.addHistoryEvent({
        actor: 'user:default/carol',
        type: 'request.approved',
        requestId: '6f1c3c50-0000-4000-8000-000000000001',
        message: 'carol approved',
      });
      await store.addHistoryEvent({
        actor: 'system',
        type: 'certificate.issued',
        message: 'certificate for bob',
      });

      const all = await store.listHistory();
      expect(all.map(e => e.type)).toEqual([
        'certificate.issued',
        'request.approved',
        'request.created',
      ]);
      expect(all[2]).toEqual(first);
      expect(new Date(all[2].createdAt).getTime()).toBeGreaterThan(
        Date.now() - 60_000,
      );

      const forRequest = await store.listHistory({
        requestId: '6f1c3c50-0000-4000-8000-000000000001',
      });
      expect(forRequest.map(e => e.id)).toEqual([second.id, first.id]);
      expect(
        await store.listHistory({ namespace: 'sandbox/team-a-dev' }),
      ).toEqual([first]);
      expect(
        (await store.listHistory({ actor: 'user:default/carol' })).map(
          e => e.id,
        ),
      ).toEqual([second.id]);
      expect(await store.listHistory({ limit: 1 })).toHaveLength(1);

      // Several events in one write keep their order and their own times.
      const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, s));
      const steps = await store.addHistoryEvents(
        ['Namespace', 'LimitRange', 'ResourceQuota'].map((kind, i) => ({
          actor: 'system',
          type: 'provisioning.step',
          requestId: '6f1c3c50-0000-4000-8000-000000000001',
          namespace: 'sandbox/team-a-dev',
          message: `Applied ${kind}`,
          details: { kind },
          at: at(i),
        })),
      );
      const newest = await store.listHistory({ limit: 4 });
      expect(newest.map(e => e.message)).toEqual([
        'Applied ResourceQuota',
        'Applied LimitRange',
        'Applied Namespace',
        'certificate for bob',
      ]);
      expect(newest.slice(0, 3)).toEqual([...steps].reverse());
      expect(newest.map(e => e.createdAt).slice(0, 3)).toEqual([
        at(2).toISOString(),
        at(1).toISOString(),
        at(0).toISOString(),
      ]);
      expect(await store.addHistoryEvents([])).toEqual([]);
    },
  );

  const issuedEvent = (serialNumber: string) => ({
    actor: 'user:default/alice',
    type: 'certificate.issued' as const,
    message: `Certificate ${serialNumber} issued to alice`,
    details: { serialNumber },
  });

  it.each(databases.eachSupportedId())(
    'records certificates per user and marks them revoked once, on %p',
    async databaseId => {
      const { certificates: store } = await createStore(databaseId);
      const issuedAt = new Date('2026-11-28T10:00:00.000Z');
      const base = {
        userEntityRef: 'user:default/alice',
        username: 'alice',
        groups: ['payments', 'search'],
        expiresAt: new Date('2026-11-28T18:00:00.000Z'),
      };
      const older = await store.addCertificate(
        {
          ...base,
          serialNumber: '01:aa',
          issuedAt,
          certificatePem:
            '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        },
        issuedEvent('01:aa'),
      );
      expect(older).toEqual({
        ...base,
        serialNumber: '01:aa',
        issuedAt: issuedAt.toISOString(),
        expiresAt: base.expiresAt.toISOString(),
      });
      await store.addCertificate(
        {
          ...base,
          serialNumber: '02:bb',
          issuedAt: new Date(issuedAt.getTime() + 1000),
        },
        issuedEvent('02:bb'),
      );
      await store.addCertificate(
        {
          ...base,
          userEntityRef: 'user:default/bob',
          username: 'bob',
          serialNumber: '03:cc',
          issuedAt,
        },
        issuedEvent('03:cc'),
      );
      // Not toThrow(): jest's module cache can hand this file a database
      // driver whose errors come from another test file's realm.
      await expect(
        store.addCertificate(
          { ...base, serialNumber: '01:aa', issuedAt },
          issuedEvent('01:aa'),
        ),
      ).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/UNIQUE constraint failed|duplicate key/),
      );

      const alices = await store.listCertificates({
        userEntityRef: 'user:default/alice',
      });
      expect(alices.map(c => c.serialNumber)).toEqual(['02:bb', '01:aa']);
      expect(alices[1].groups).toEqual(['payments', 'search']);
      expect(alices[1].revokedAt).toBeUndefined();
      expect(
        await store.listCertificates({
          userEntityRef: 'user:default/alice',
          limit: 1,
        }),
      ).toHaveLength(1);

      const revokedAt = new Date('2026-11-28T12:00:00.000Z');
      const revoked = await store.markCertificateRevoked({
        serialNumber: '01:aa',
        revokedAt,
      });
      expect(revoked?.revokedAt).toBe(revokedAt.toISOString());
      const again = await store.markCertificateRevoked({
        serialNumber: '01:aa',
        revokedAt: new Date('2026-11-28T13:00:00.000Z'),
      });
      expect(again?.revokedAt).toBe(revokedAt.toISOString());
      expect(
        await store.markCertificateRevoked({ serialNumber: 'ff', revokedAt }),
      ).toBeUndefined();
      expect(await store.getCertificate('03:cc')).toMatchObject({
        userEntityRef: 'user:default/bob',
        username: 'bob',
      });
      expect(await store.getCertificate('04:dd')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'records a certificate with its history event, both or neither, on %p',
    async databaseId => {
      const { certificates: store, history } = await createStore(databaseId);
      const certificate = {
        serialNumber: '0a:01',
        userEntityRef: 'user:default/alice',
        username: 'alice',
        groups: ['payments'],
        issuedAt: new Date('2026-11-28T10:00:00.000Z'),
        expiresAt: new Date('2026-11-28T18:00:00.000Z'),
      };
      // The history row cannot be written (no message): the certificate
      // row must not stay behind.
      await expect(
        store.addCertificate(certificate, {
          ...issuedEvent('0a:01'),
          message: null as unknown as string,
        }),
      ).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/NOT NULL constraint failed|null value/),
      );
      expect(await store.getCertificate('0a:01')).toBeUndefined();
      expect(await history.listHistory()).toEqual([]);

      // The certificate row cannot be written (a serial already taken): no
      // history event for it.
      await store.addCertificate(certificate, issuedEvent('0a:01'));
      await expect(
        store.addCertificate(certificate, {
          ...issuedEvent('0a:01'),
          message: 'a second time',
        }),
      ).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/UNIQUE constraint failed|duplicate key/),
      );
      const events = await history.listHistory();
      expect(events).toEqual([
        expect.objectContaining({
          type: 'certificate.issued',
          actor: 'user:default/alice',
          message: 'Certificate 0a:01 issued to alice',
          details: { serialNumber: '0a:01' },
        }),
      ]);
    },
  );
});
