import { ConflictError } from '@backstage/errors';
import {
  NamespaceRequestKind,
  NamespaceRequestStatus,
} from '@cluster-access/plugin-cluster-access-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { toIso } from '../../database/migrations';
import { ExtraMember } from '../members/members';
import { ACTIVE_REQUEST_STATUSES, WORK_STATUSES } from './lifecycle';
import {
  NamespaceRequestChanges,
  NamespaceRequestQuery,
  NamespaceStore,
  NewNamespaceRequest,
  ReadyPageQuery,
  StoredNamespaceRequest,
} from './NamespaceStore';

const REQUESTS = 'cluster_access_namespace_requests';
const MEMBERS = 'cluster_access_namespace_members';

type Timestamp = Date | string | number;

type RequestRow = {
  id: string;
  kind: string;
  cluster: string;
  namespace: string;
  owner: string;
  tier: string;
  reason: string;
  requester: string;
  status: string;
  active_key: string | null;
  target_request_id: string | null;
  decided_by: string | null;
  decision_comment: string | null;
  decided_at: Timestamp | null;
  expires_at: Timestamp | null;
  error: string | null;
  attempts: number | string;
  next_attempt_at: Timestamp | null;
  claimed_by: string | null;
  claim_expires_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

type MemberRow = {
  request_id: string;
  user: string;
  added_by: string;
  created_at: Timestamp;
};

/** The value of `active_key` for a request in `status`: NULL once it lets go of the name. */
function activeKey(
  kind: string,
  cluster: string,
  namespace: string,
  status: NamespaceRequestStatus,
): string | null {
  return ACTIVE_REQUEST_STATUSES.includes(status)
    ? `${kind}:${cluster}/${namespace}`
    : null;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' || // PostgreSQL unique_violation
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

function toRequest(row: RequestRow): StoredNamespaceRequest {
  const optionalIso = (value: Timestamp | null) =>
    value === null || value === undefined ? undefined : toIso(value);
  const request: StoredNamespaceRequest = {
    id: row.id,
    kind: row.kind as NamespaceRequestKind,
    cluster: row.cluster,
    namespace: row.namespace,
    owner: row.owner,
    tier: row.tier,
    reason: row.reason,
    requester: row.requester,
    status: row.status as NamespaceRequestStatus,
    attempts: Number(row.attempts),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
  const optional: Partial<StoredNamespaceRequest> = {
    targetRequestId: row.target_request_id ?? undefined,
    decidedBy: row.decided_by ?? undefined,
    decisionComment: row.decision_comment ?? undefined,
    decidedAt: optionalIso(row.decided_at),
    expiresAt: optionalIso(row.expires_at),
    error: row.error ?? undefined,
    nextAttemptAt: optionalIso(row.next_attempt_at),
    claimedBy: row.claimed_by ?? undefined,
    claimExpiresAt: optionalIso(row.claim_expires_at),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) {
      (request as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return request;
}

/**
 * {@link NamespaceStore} on Backstage's database service (SQLite or
 * PostgreSQL). Concurrency is settled by the database: a unique index on
 * `active_key` lets exactly one request hold a namespace, and leases are taken
 * with a conditional UPDATE, so several replicas can share one database.
 *
 * @internal
 */
export class DatabaseNamespaceStore implements NamespaceStore {
  constructor(private readonly db: Knex) {}

  async createRequest(
    request: NewNamespaceRequest,
  ): Promise<StoredNamespaceRequest> {
    const id = randomUUID();
    const status: NamespaceRequestStatus = 'pending';
    let inserted: RequestRow[];
    try {
      inserted = await this.db<RequestRow>(REQUESTS).insert(
        {
          id,
          kind: request.kind,
          cluster: request.cluster,
          namespace: request.namespace,
          owner: request.owner,
          tier: request.tier,
          reason: request.reason,
          requester: request.requester,
          status,
          active_key: activeKey(
            request.kind,
            request.cluster,
            request.namespace,
            status,
          ),
          target_request_id: request.targetRequestId ?? null,
          expires_at: request.expiresAt,
          attempts: 0,
          created_at: request.now,
          updated_at: request.now,
        },
        // The row as stored, without reading it back.
        '*',
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          request.kind === 'create'
            ? `Namespace ${request.namespace} on cluster ${request.cluster} is already requested or in use`
            : `A decommission request for ${request.namespace} on cluster ${request.cluster} is already open`,
        );
      }
      throw error;
    }
    return toRequest(inserted[0]);
  }

  async getRequest(id: string): Promise<StoredNamespaceRequest | undefined> {
    const row = await this.db<RequestRow>(REQUESTS).where({ id }).first();
    return row ? toRequest(row) : undefined;
  }

  async listRequests(
    query: NamespaceRequestQuery = {},
  ): Promise<StoredNamespaceRequest[]> {
    const limit = Math.min(Math.max(query.limit ?? 500, 1), 100_000);
    let q = this.db<RequestRow>(REQUESTS)
      .select('*')
      .orderBy([
        // A decider's list is about their decisions: newest decision first.
        ...(query.decidedBy
          ? [{ column: 'decided_at', order: 'desc' as const }]
          : []),
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    if (query.decidedBy) q = q.where('decided_by', query.decidedBy);
    if (query.kind) q = q.where('kind', query.kind);
    if (query.status) q = q.whereIn('status', query.status);
    if (query.owner) q = q.whereIn('owner', query.owner);
    if (query.requester) q = q.where('requester', query.requester);
    if (query.cluster) q = q.where('cluster', query.cluster);
    if (query.namespace) q = q.where('namespace', query.namespace);
    const rows: RequestRow[] = await q;
    return rows.map(toRequest);
  }

  async updateRequest(
    id: string,
    expect: { status: readonly NamespaceRequestStatus[]; claimedBy?: string },
    changes: NamespaceRequestChanges,
    now: Date,
  ): Promise<StoredNamespaceRequest | undefined> {
    const set: Record<string, unknown> = { updated_at: now };
    if (changes.status !== undefined) {
      set.status = changes.status;
      // activeKey() in SQL, from the row's own (never changing) kind,
      // cluster and namespace: no read before the write.
      set.active_key = ACTIVE_REQUEST_STATUSES.includes(changes.status)
        ? this.db.raw(`?? || ':' || ?? || '/' || ??`, [
            'kind',
            'cluster',
            'namespace',
          ])
        : null;
    }
    if (changes.decidedBy !== undefined) set.decided_by = changes.decidedBy;
    if (changes.decisionComment !== undefined) {
      set.decision_comment = changes.decisionComment;
    }
    if (changes.decidedAt !== undefined) set.decided_at = changes.decidedAt;
    if (changes.error !== undefined) set.error = changes.error;
    if (changes.attempts !== undefined) set.attempts = changes.attempts;
    if (changes.nextAttemptAt !== undefined) {
      set.next_attempt_at = changes.nextAttemptAt;
    }
    if (changes.claimedBy !== undefined) set.claimed_by = changes.claimedBy;
    if (changes.claimExpiresAt !== undefined) {
      set.claim_expires_at = changes.claimExpiresAt;
    }
    let q = this.db<RequestRow>(REQUESTS)
      .where({ id })
      .whereIn('status', [...expect.status]);
    if (expect.claimedBy !== undefined) {
      q = q.where('claimed_by', expect.claimedBy);
    }
    let updated: RequestRow[];
    try {
      // RETURNING (PostgreSQL, SQLite 3.35+): the row as this UPDATE left it.
      updated = (await q.update(set, '*')) as RequestRow[];
    } catch (error) {
      const current = isUniqueViolation(error)
        ? await this.getRequest(id)
        : undefined;
      if (current) {
        throw new ConflictError(
          `Namespace ${current.namespace} on cluster ${current.cluster} is held by another request`,
        );
      }
      throw error;
    }
    return updated.length === 1 ? toRequest(updated[0]) : undefined;
  }

  async listDueRequests(
    now: Date,
    limit: number,
  ): Promise<StoredNamespaceRequest[]> {
    const rows: RequestRow[] = await this.db<RequestRow>(REQUESTS)
      .where(q =>
        q
          .where(w =>
            w
              .where('kind', 'create')
              .whereIn('status', [...WORK_STATUSES.create]),
          )
          .orWhere(w =>
            w
              .where('kind', 'decommission')
              .whereIn('status', [...WORK_STATUSES.decommission]),
          ),
      )
      .where(q =>
        q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now),
      )
      .where(q =>
        q.whereNull('claim_expires_at').orWhere('claim_expires_at', '<=', now),
      )
      .orderBy('updated_at', 'asc')
      .limit(limit);
    return rows.map(toRequest);
  }

  async claimRequest(options: {
    id: string;
    workerId: string;
    now: Date;
    leaseMs: number;
  }): Promise<StoredNamespaceRequest | undefined> {
    const { id, workerId, now, leaseMs } = options;
    // One conditional UPDATE: the database serialises concurrent claims of the
    // same row, and only the first finds the lease free.
    const updated = await this.db<RequestRow>(REQUESTS)
      .where({ id })
      .whereIn('status', [
        ...new Set([...WORK_STATUSES.create, ...WORK_STATUSES.decommission]),
      ])
      .where(q =>
        q.whereNull('claim_expires_at').orWhere('claim_expires_at', '<=', now),
      )
      .where(q =>
        q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now),
      )
      .update(
        {
          claimed_by: workerId,
          claim_expires_at: new Date(now.getTime() + leaseMs),
          updated_at: now,
        },
        // The claimed row as the UPDATE left it, without a second query.
        '*',
      );
    return updated.length === 1
      ? toRequest(updated[0] as RequestRow)
      : undefined;
  }

  /**
   * Create requests approved and not yet ready (waiting, in flight, or
   * failed and waiting to retry), and when the oldest of them was filed: the
   * provisioning queue an operator watches.
   */
  async provisioningQueue(): Promise<{
    depth: number;
    oldestCreatedAt?: Date;
  }> {
    const queued = () =>
      this.db<RequestRow>(REQUESTS)
        .where('kind', 'create')
        .whereIn('status', [...WORK_STATUSES.create]);
    const [count] = await queued().count({ n: '*' });
    const oldest = await queued()
      .orderBy('created_at', 'asc')
      .first('created_at');
    return {
      depth: Number(count?.n ?? 0),
      ...(oldest
        ? { oldestCreatedAt: new Date(toIso(oldest.created_at)) }
        : {}),
    };
  }

  async listReadyPage(
    query: ReadyPageQuery,
  ): Promise<StoredNamespaceRequest[]> {
    // Byte order, as etcd's: PostgreSQL's default collation may follow a
    // locale that ignores '-' and '/'.
    const collate = this.db.client.config.client === 'pg' ? ' COLLATE "C"' : '';
    const sortKey =
      query.order === 'name'
        ? `"namespace"${collate}`
        : `("namespace" || '/')${collate}`;
    let q = this.readyBy(query.readyBy)
      .where('cluster', query.cluster)
      .orderByRaw(sortKey)
      .limit(Math.max(1, query.limit));
    if (query.after !== undefined) {
      q = q.whereRaw(`${sortKey} > ?`, [query.after]);
    }
    const rows: RequestRow[] = await q;
    return rows.map(toRequest);
  }

  async listReadyClusters(readyBy: Date): Promise<string[]> {
    const rows: Array<{ cluster: string }> = await this.readyBy(readyBy)
      .distinct('cluster')
      .orderBy('cluster');
    return rows.map(r => r.cluster);
  }

  private readyBy(readyBy: Date) {
    // Literals, not parameters: the planner then uses the partial indexes of
    // migration 20261204000000.
    return this.db<RequestRow>(REQUESTS)
      .whereRaw(`kind = 'create' AND status = 'ready'`)
      .where('updated_at', '<=', readyBy);
  }

  async listExpiredPending(now: Date): Promise<StoredNamespaceRequest[]> {
    const rows: RequestRow[] = await this.db<RequestRow>(REQUESTS)
      .where('status', 'pending')
      .where('expires_at', '<=', now)
      .orderBy('created_at', 'asc')
      .limit(1000);
    return rows.map(toRequest);
  }

  async addMember(member: {
    requestId: string;
    user: string;
    addedBy: string;
    now: Date;
  }): Promise<boolean> {
    try {
      await this.db<MemberRow>(MEMBERS).insert({
        request_id: member.requestId,
        user: member.user,
        added_by: member.addedBy,
        created_at: member.now,
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async removeMember(
    requestId: string,
    user: string,
    options: { addedAt?: string } = {},
  ): Promise<boolean> {
    let q = this.db<MemberRow>(MEMBERS).where({ request_id: requestId, user });
    if (options.addedAt) q = q.where('created_at', new Date(options.addedAt));
    return (await q.delete()) > 0;
  }

  async listMembers(requestIds: string[]): Promise<ExtraMember[]> {
    const out: ExtraMember[] = [];
    // Chunked, to stay below SQLite's bound-parameter limit.
    for (let i = 0; i < requestIds.length; i += 500) {
      const rows: MemberRow[] = await this.db<MemberRow>(MEMBERS)
        .whereIn('request_id', requestIds.slice(i, i + 500))
        .orderBy(['request_id', 'user']);
      out.push(
        ...rows.map(r => ({
          requestId: r.request_id,
          user: r.user,
          addedBy: r.added_by,
          createdAt: toIso(r.created_at),
        })),
      );
    }
    return out;
  }
}
