import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { toIso } from '../../database/migrations';
import { ObservedBinding, observedKey } from './access';
import { NamespaceAccessStore, ObservedBindingChanges } from './AccessStore';

const BINDINGS = 'cluster_access_namespace_bindings';

type Timestamp = Date | string | number;

type BindingRow = {
  request_id: string;
  key: string;
  binding: string;
  subject_kind: string;
  subject_namespace: string | null;
  subject_name: string;
  role_kind: string;
  role_name: string;
  first_seen_at: Timestamp;
  flagged_at: Timestamp | null;
  /** 0/1 on SQLite. */
  managed: boolean | number;
};

/** Fixed-length primary key part: binding and subject names can be long. */
function rowKey(row: ObservedBinding): string {
  return createHash('sha256').update(observedKey(row)).digest('hex');
}

function toRow(row: ObservedBinding): BindingRow {
  return {
    request_id: row.requestId,
    key: rowKey(row),
    binding: row.binding,
    subject_kind: row.subject.kind,
    subject_namespace: row.subject.namespace ?? null,
    subject_name: row.subject.name,
    role_kind: row.role.kind,
    role_name: row.role.name,
    first_seen_at: new Date(row.firstSeenAt),
    flagged_at: row.flaggedAt ? new Date(row.flaggedAt) : null,
    managed: Boolean(row.managed),
  };
}

function fromRow(row: BindingRow): ObservedBinding {
  return {
    requestId: row.request_id,
    binding: row.binding,
    subject: {
      kind: row.subject_kind as ObservedBinding['subject']['kind'],
      name: row.subject_name,
      ...(row.subject_namespace ? { namespace: row.subject_namespace } : {}),
    },
    role: {
      kind: row.role_kind as ObservedBinding['role']['kind'],
      name: row.role_name,
    },
    firstSeenAt: toIso(row.first_seen_at),
    ...(row.flagged_at !== null && row.flagged_at !== undefined
      ? { flaggedAt: toIso(row.flagged_at) }
      : {}),
    ...(row.managed ? { managed: true } : {}),
  };
}

/**
 * {@link NamespaceAccessStore} on Backstage's database service (SQLite or
 * PostgreSQL).
 *
 * @internal
 */
export class DatabaseAccessStore implements NamespaceAccessStore {
  constructor(private readonly db: Knex) {}

  async listBindings(requestIds: string[]): Promise<ObservedBinding[]> {
    const out: ObservedBinding[] = [];
    // Chunked, to stay below SQLite's bound-parameter limit.
    for (let i = 0; i < requestIds.length; i += 500) {
      const rows: BindingRow[] = await this.db<BindingRow>(BINDINGS)
        .whereIn('request_id', requestIds.slice(i, i + 500))
        .orderBy(['request_id', 'binding', 'subject_kind', 'subject_name']);
      out.push(...rows.map(fromRow));
    }
    return out;
  }

  async saveBindings(changes: ObservedBindingChanges): Promise<void> {
    const { insert, remove, update } = changes;
    if (insert.length + remove.length + update.length === 0) return;
    await this.db.transaction(async tx => {
      for (const row of remove) {
        await tx<BindingRow>(BINDINGS)
          .where({ request_id: row.requestId, key: rowKey(row) })
          .delete();
      }
      for (const row of update) {
        await tx<BindingRow>(BINDINGS)
          .where({ request_id: row.requestId, key: rowKey(row) })
          .update({
            role_kind: row.role.kind,
            role_name: row.role.name,
            flagged_at: row.flaggedAt ? new Date(row.flaggedAt) : null,
            managed: Boolean(row.managed),
          });
      }
      // A handful of rows per pass at most, except on the first pass; chunked
      // for SQLite's bound-parameter limit.
      // A row the provisioner recorded since the pass read the table is
      // overwritten: the pass's view wins, as it does for every other row.
      for (let i = 0; i < insert.length; i += 50) {
        await tx<BindingRow>(BINDINGS)
          .insert(insert.slice(i, i + 50).map(toRow))
          .onConflict(['request_id', 'key'])
          .merge();
      }
    });
  }

  async recordAppliedBindings(rows: ObservedBinding[]): Promise<void> {
    // Per namespace and binding: a binding's rows are replaced together.
    const byBinding = new Map<string, ObservedBinding[]>();
    for (const row of rows) {
      const id = JSON.stringify([row.requestId, row.binding]);
      byBinding.set(id, [...(byBinding.get(id) ?? []), row]);
    }
    const bindings = [...byBinding.values()];
    if (bindings.length === 0) return;
    await this.db.transaction(async tx => {
      // Two bindings per member, chunked for SQLite's parameter limit.
      for (let i = 0; i < bindings.length; i += 50) {
        const chunk = bindings.slice(i, i + 50);
        for (const requestId of new Set(chunk.map(b => b[0].requestId))) {
          const applied = chunk
            .filter(b => b[0].requestId === requestId)
            .flat();
          // Subjects the bindings no longer name (apply replaces the list).
          await tx<BindingRow>(BINDINGS)
            .where({ request_id: requestId })
            .whereIn('binding', [...new Set(applied.map(r => r.binding))])
            .whereNotIn('key', applied.map(rowKey))
            .delete();
          await tx<BindingRow>(BINDINGS)
            .insert(applied.map(r => toRow({ ...r, managed: true })))
            .onConflict(['request_id', 'key'])
            .merge(['role_kind', 'role_name', 'flagged_at', 'managed']);
        }
      }
    });
  }

  async forgetBindings(requestId: string, bindings: string[]): Promise<void> {
    if (bindings.length === 0) return;
    await this.db<BindingRow>(BINDINGS)
      .where({ request_id: requestId })
      .whereIn('binding', bindings)
      .delete();
  }
}
