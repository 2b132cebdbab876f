import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { migrateDatabase } from '../database/migrations';
import { DatabaseHistoryStore } from '../history/DatabaseHistoryStore';
import { createHistoryRouter } from './historyRouter';

// The router compiles the spec's validators on its first request.
jest.setTimeout(60_000);

describe('GET /history paging', () => {
  let knex: Knex;
  let app: express.Express;
  let store: DatabaseHistoryStore;
  const alice = mockCredentials.user.header('user:default/alice');

  beforeEach(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    const db = await migrateDatabase(
      mockServices.database({ knex, migrations: { skip: false } }),
    );
    store = new DatabaseHistoryStore(db);
    const router = await createHistoryRouter({
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      permissions: mockServices.permissions(),
      history: store,
    });
    app = express().use(router).use(mockErrorHandler());
    await store.addHistoryEvents(
      ['one', 'two', 'three'].flatMap(n => [
        {
          actor: 'user:default/alice',
          type: 'certificate.issued',
          message: `alice ${n}`,
        },
        {
          actor: 'user:default/bob',
          type: 'certificate.issued',
          message: `bob ${n}`,
        },
      ]),
    );
  });

  afterEach(async () => {
    await knex.destroy();
  });

  const get = (query: Record<string, string>) =>
    request(app).get('/history').query(query).set('authorization', alice);

  it('pages with pageInfo.nextCursor and the same filters until there is no more', async () => {
    const actor = 'user:default/alice';
    const first = await get({ actor, limit: '2' });
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: any) => e.message)).toEqual([
      'alice three',
      'alice two',
    ]);
    const cursor = first.body.pageInfo.nextCursor;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);

    const second = await get({ actor, limit: '2', cursor });
    expect(second.status).toBe(200);
    expect(second.body.items.map((e: any) => e.message)).toEqual(['alice one']);
    expect(second.body.pageInfo).toEqual({});
  });

  it('refuses a malformed cursor or one made for other filters (400)', async () => {
    const first = await get({ actor: 'user:default/alice', limit: '1' });
    const cursor = first.body.pageInfo.nextCursor;
    const cases: Array<Record<string, string>> = [
      { cursor: 'not-a-cursor' },
      { cursor: Buffer.from('{"before":-1}').toString('base64url') },
      { cursor: Buffer.from('{"before":2,"x":1}').toString('base64url') },
      // The same cursor without its filter, or with another one.
      { cursor },
      { cursor, actor: 'user:default/bob' },
    ];
    for (const query of cases) {
      const res = await get(query);
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringMatching(/^Invalid query: cursor: /),
      });
    }
  });

  it('answers 401 without credentials', async () => {
    const res = await request(app).get('/history');
    expect(res.status).toBe(401);
  });
});
