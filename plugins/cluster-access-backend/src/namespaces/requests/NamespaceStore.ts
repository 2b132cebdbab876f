import {
  NamespaceRequest,
  NamespaceRequestKind,
  NamespaceRequestStatus,
} from '@cluster-access/plugin-cluster-access-common';
import { ExtraMemberStore } from '../members/members';

/**
 * A namespace request as stored, with the bookkeeping fields the API does not
 * need to show.
 *
 * @internal
 */
export interface StoredNamespaceRequest extends NamespaceRequest {
  kind: NamespaceRequestKind;
  attempts: number;
  /** Worker holding the provisioning lease, while it is held. */
  claimedBy?: string;
  /** ISO 8601 end of the provisioning lease. */
  claimExpiresAt?: string;
}

/**
 * A new request, as the request service files it.
 *
 * @internal
 */
export interface NewNamespaceRequest {
  kind: NamespaceRequestKind;
  cluster: string;
  namespace: string;
  owner: string;
  tier: string;
  reason: string;
  requester: string;
  /** When a pending request expires. */
  expiresAt: Date;
  targetRequestId?: string;
  now: Date;
}

/**
 * Fields a transition may set. `undefined` leaves a field alone; `null`
 * clears it.
 *
 * @internal
 */
export interface NamespaceRequestChanges {
  status?: NamespaceRequestStatus;
  decidedBy?: string | null;
  decisionComment?: string | null;
  decidedAt?: Date | null;
  error?: string | null;
  attempts?: number;
  nextAttemptAt?: Date | null;
  claimedBy?: string | null;
  claimExpiresAt?: Date | null;
}

/**
 * Filters for listing requests.
 *
 * @internal
 */
export interface NamespaceRequestQuery {
  kind?: NamespaceRequestKind;
  status?: NamespaceRequestStatus[];
  owner?: string[];
  requester?: string;
  /** Only requests this user decided on; newest decision first. */
  decidedBy?: string;
  cluster?: string;
  namespace?: string;
  /** Newest first; at most this many (default 500, at most 100,000). */
  limit?: number;
}

/**
 * One page of the ready create requests of a cluster, for a reconcile pass
 * that streams them (see {@link NamespaceStore.listReadyPage}).
 *
 * @internal
 */
export interface ReadyPageQuery {
  cluster: string;
  /**
   * The order of a Kubernetes list of the kind being reconciled, which is
   * etcd's key order (bytes): `name` for Namespaces (key = name), `key` for
   * namespaced kinds (key = `namespace/name`, so `team-a` comes before
   * `team`).
   */
  order: 'name' | 'key';
  /** The sort key of the last request of the previous page (keyset pagination). */
  after?: string;
  limit: number;
  /** Only requests that were ready at this time (not changed since): the pass's snapshot. */
  readyBy: Date;
}

/**
 * Where namespace requests and extra members live. Shared by every replica.
 *
 * @internal
 */
export interface NamespaceStore extends ExtraMemberStore {
  /**
   * Files a request. Throws `ConflictError` when another active request of
   * the same kind holds the same cluster and namespace.
   */
  createRequest(request: NewNamespaceRequest): Promise<StoredNamespaceRequest>;

  getRequest(id: string): Promise<StoredNamespaceRequest | undefined>;

  listRequests(
    query?: NamespaceRequestQuery,
  ): Promise<StoredNamespaceRequest[]>;

  /**
   * Compare-and-set: applies `changes` only if the request is still in one of
   * `expect.status` (and, if given, still claimed by `expect.claimedBy`).
   * Returns the updated request, or `undefined` when the guard did not hold,
   * i.e. another actor got there first.
   */
  updateRequest(
    id: string,
    expect: { status: readonly NamespaceRequestStatus[]; claimedBy?: string },
    changes: NamespaceRequestChanges,
    now: Date,
  ): Promise<StoredNamespaceRequest | undefined>;

  /**
   * Requests a worker should act on now: approved or failed ones whose retry
   * time has come, and in-flight ones whose lease ran out.
   */
  listDueRequests(now: Date, limit: number): Promise<StoredNamespaceRequest[]>;

  /**
   * Takes the provisioning lease on a due request. Exactly one of several
   * concurrent callers (in any replica) gets the request back.
   */
  claimRequest(options: {
    id: string;
    workerId: string;
    now: Date;
    leaseMs: number;
  }): Promise<StoredNamespaceRequest | undefined>;

  /**
   * One page of the ready create requests of a cluster in the order of
   * `query.order`; the next page starts after the sort key of its last
   * request (the namespace, or the namespace and `/`).
   */
  listReadyPage(query: ReadyPageQuery): Promise<StoredNamespaceRequest[]>;

  /** Clusters with ready create requests (as of `readyBy`). */
  listReadyClusters(readyBy: Date): Promise<string[]>;

  /** Pending requests whose expiry time has passed. */
  listExpiredPending(now: Date): Promise<StoredNamespaceRequest[]>;
}
