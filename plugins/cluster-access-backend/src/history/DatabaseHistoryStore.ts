import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { toIso } from '../database/migrations';
import { HistoryQuery, HistoryStore } from './HistoryStore';

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

/**
 * {@link HistoryStore} on the plugin's database (SQLite or PostgreSQL).
 *
 * @public
 */
export class DatabaseHistoryStore implements HistoryStore {
  constructor(private readonly db: Knex) {}

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

  async addHistoryEvents(
    events: Array<Omit<HistoryEvent, 'id' | 'createdAt'> & { at?: Date }>,
  ): Promise<HistoryEvent[]> {
    if (events.length === 0) return [];
    const now = new Date();
    const stored = events.map(({ at, ...event }) => ({
      ...event,
      id: randomUUID(),
      createdAt: at ?? now,
    }));
    // One statement: the rows get their seq in this order, atomically.
    await this.db<HistoryRow>('cluster_access_history').insert(
      stored.map(event => ({
        id: event.id,
        created_at: event.createdAt,
        actor: event.actor,
        type: event.type,
        request_id: event.requestId ?? null,
        namespace: event.namespace ?? null,
        message: event.message,
        details: event.details ? JSON.stringify(event.details) : null,
      })),
    );
    return stored.map(event => ({
      ...event,
      createdAt: event.createdAt.toISOString(),
    }));
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
