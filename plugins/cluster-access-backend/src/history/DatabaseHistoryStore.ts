import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { toIso } from '../database/migrations';
import {
  HistoryPage,
  HistoryQuery,
  HistoryStore,
  NewHistoryEvent,
} from './HistoryStore';

/** The history table, for stores that write an event with their own change. */
export const HISTORY_TABLE = 'cluster_access_history';

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
 * The row of a new event (its id and time given here) and the event as
 * stored; for {@link DatabaseHistoryStore} and for stores that write an
 * event in the same statement or transaction as the change it records.
 */
export function newHistoryRow(
  event: NewHistoryEvent,
  at: Date = new Date(),
): { row: Omit<HistoryRow, 'seq'>; stored: HistoryEvent } {
  const id = randomUUID();
  return {
    row: {
      id,
      created_at: at,
      actor: event.actor,
      type: event.type,
      request_id: event.requestId ?? null,
      namespace: event.namespace ?? null,
      message: event.message,
      details: event.details ? JSON.stringify(event.details) : null,
    },
    stored: { ...event, id, createdAt: at.toISOString() },
  };
}

/**
 * {@link HistoryStore} on the plugin's database (SQLite or PostgreSQL).
 *
 * @internal
 */
export class DatabaseHistoryStore implements HistoryStore {
  constructor(private readonly db: Knex) {}

  async addHistoryEvent(event: NewHistoryEvent): Promise<HistoryEvent> {
    const { row, stored } = newHistoryRow(event);
    await this.db<HistoryRow>(HISTORY_TABLE).insert(row);
    return stored;
  }

  async addHistoryEvents(
    events: Array<NewHistoryEvent & { at?: Date }>,
  ): Promise<HistoryEvent[]> {
    if (events.length === 0) return [];
    const now = new Date();
    const rows = events.map(({ at, ...event }) =>
      newHistoryRow(event, at ?? now),
    );
    // One statement: the rows get their seq in this order, atomically.
    await this.db<HistoryRow>(HISTORY_TABLE).insert(rows.map(r => r.row));
    return rows.map(r => r.stored);
  }

  async listHistory(query: HistoryQuery = {}): Promise<HistoryEvent[]> {
    return (await this.listHistoryPage(query)).items;
  }

  async listHistoryPage(query: HistoryQuery = {}): Promise<HistoryPage> {
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    // `seq` is the table's auto-increment key: a total order on SQLite and
    // PostgreSQL alike, where two events can share a `created_at`.
    let q = this.db<HistoryRow>(HISTORY_TABLE)
      .select('*')
      .orderBy('seq', 'desc')
      .limit(limit + 1);
    if (query.requestId) q = q.where('request_id', query.requestId);
    if (query.namespace) q = q.where('namespace', query.namespace);
    if (query.actor) q = q.where('actor', query.actor);
    if (query.before !== undefined) q = q.where('seq', '<', query.before);
    const rows: HistoryRow[] = await q;
    const page = rows.slice(0, limit);
    return {
      items: page.map(toHistoryEvent),
      ...(rows.length > limit
        ? { nextBefore: Number(page[page.length - 1].seq) }
        : {}),
    };
  }
}

function toHistoryEvent(row: HistoryRow): HistoryEvent {
  return {
    id: row.id,
    createdAt: toIso(row.created_at),
    actor: row.actor,
    type: row.type,
    message: row.message,
    ...(row.request_id ? { requestId: row.request_id } : {}),
    ...(row.namespace ? { namespace: row.namespace } : {}),
    ...(row.details ? { details: JSON.parse(row.details) } : {}),
  };
}
