import {
  HistoryEventType,
  NamespaceRequestKind,
  NamespaceRequestStatus,
} from '@cluster-access/plugin-cluster-access-common';
import { HistoryDetails, HistoryRecorder } from '../../history/HistoryRecorder';
import {
  NamespaceRequestChanges,
  NamespaceStore,
  StoredNamespaceRequest,
} from './NamespaceStore';

/**
 * One step of a request's lifecycle: the statuses it may start from, the
 * status it ends in (none: the status stays, only bookkeeping changes) and
 * the history event it records, per request kind where they differ.
 */
interface Transition {
  from: readonly NamespaceRequestStatus[];
  to?: NamespaceRequestStatus;
  event?: HistoryEventType | Record<NamespaceRequestKind, HistoryEventType>;
}

const PROVISIONABLE = ['approved', 'failed', 'provisioning'] as const;
const DECOMMISSIONABLE = ['approved', 'failed', 'decommissioning'] as const;

/**
 * Every change of a request's status, in one table. The guard (`from`) is
 * applied by the database as a compare-and-set, so two replicas or two
 * approvers never both win.
 */
export const TRANSITIONS = {
  approve: {
    from: ['pending'],
    to: 'approved',
    event: {
      create: 'request.approved',
      decommission: 'decommission.approved',
    },
  },
  reject: {
    from: ['pending'],
    to: 'rejected',
    event: {
      create: 'request.rejected',
      decommission: 'decommission.rejected',
    },
  },
  expire: { from: ['pending'], to: 'expired', event: 'request.expired' },
  withdraw: {
    from: ['pending'],
    to: 'withdrawn',
    event: {
      create: 'request.withdrawn',
      decommission: 'decommission.withdrawn',
    },
  },
  startProvisioning: {
    from: PROVISIONABLE,
    to: 'provisioning',
    event: 'provisioning.started',
  },
  finishProvisioning: {
    from: ['provisioning'],
    to: 'ready',
    event: 'provisioning.ready',
  },
  failProvisioning: {
    from: ['provisioning'],
    to: 'failed',
    event: 'provisioning.failed',
  },
  startDecommission: {
    from: DECOMMISSIONABLE,
    to: 'decommissioning',
    event: 'decommission.started',
  },
  /** The decommission waits (a provisioning in flight, a namespace still terminating). */
  deferDecommission: { from: DECOMMISSIONABLE },
  failDecommission: {
    from: ['decommissioning'],
    to: 'failed',
    event: 'decommission.failed',
  },
  finishDecommission: {
    from: DECOMMISSIONABLE,
    to: 'deleted',
    event: 'namespace.deleted',
  },
  /** The create request behind a namespace being deleted; its decommission request records the events. */
  targetDecommissioning: { from: ['ready', 'failed'], to: 'decommissioning' },
  targetDeleted: { from: ['decommissioning'], to: 'deleted' },
} as const satisfies Record<string, Transition>;

/** A name of {@link TRANSITIONS}. */
export type TransitionName = keyof typeof TRANSITIONS;

type EventOf<N extends TransitionName> = (typeof TRANSITIONS)[N] extends {
  event: infer E;
}
  ? E extends HistoryEventType
    ? E
    : E[keyof E] & HistoryEventType
  : never;

/**
 * Statuses in which a create request holds its namespace name: a second
 * request for the same cluster and namespace is refused while one of these
 * exists.
 */
export const ACTIVE_REQUEST_STATUSES: readonly NamespaceRequestStatus[] = [
  'pending',
  'approved',
  'provisioning',
  'ready',
  'failed',
  'decommissioning',
];

/**
 * Statuses of create requests whose namespace exists, or is being made or
 * removed, in a cluster: what `GET /namespaces` and the access view see.
 */
export const MANAGED_NAMESPACE_STATUSES: readonly NamespaceRequestStatus[] = [
  'provisioning',
  'ready',
  'failed',
  'decommissioning',
];

/** Statuses of a decommission request that is not finished. */
export const OPEN_DECOMMISSION_STATUSES: readonly NamespaceRequestStatus[] = [
  'pending',
  ...DECOMMISSIONABLE,
];

/** Statuses in which a worker acts on a request, by kind. */
export const WORK_STATUSES: Record<
  NamespaceRequestKind,
  readonly NamespaceRequestStatus[]
> = {
  create: TRANSITIONS.startProvisioning.from,
  decommission: TRANSITIONS.startDecommission.from,
};

/** The options of one transition. */
export interface TransitionOptions<N extends TransitionName> {
  /** Who made the change; `system` unless a person did. */
  actor?: string;
  /** Bookkeeping fields set with the status. */
  changes?: Omit<NamespaceRequestChanges, 'status'>;
  /** Only while this worker still holds the request's lease. */
  claimedBy?: string;
  /** What the history says; leave out to record nothing. */
  history?: { message: string; details?: HistoryDetails[EventOf<N>] };
}

/**
 * Moves requests through {@link TRANSITIONS}: the guarded update, then the
 * history event, written only by the caller whose update won.
 */
export class NamespaceLifecycle {
  constructor(
    private readonly options: {
      store: Pick<NamespaceStore, 'updateRequest'>;
      history: HistoryRecorder;
      clock: () => Date;
    },
  ) {}

  /**
   * Applies one transition. Returns the updated request, or undefined when
   * the request was no longer in a `from` status (or the lease was lost):
   * another actor got there first, and nothing is recorded.
   */
  async transition<N extends TransitionName>(
    request: StoredNamespaceRequest,
    name: N,
    options: TransitionOptions<N> = {},
  ): Promise<StoredNamespaceRequest | undefined> {
    const step: Transition = TRANSITIONS[name];
    const updated = await this.options.store.updateRequest(
      request.id,
      {
        status: step.from,
        ...(options.claimedBy ? { claimedBy: options.claimedBy } : {}),
      },
      { ...options.changes, ...(step.to ? { status: step.to } : {}) },
      this.options.clock(),
    );
    if (updated && step.event && options.history) {
      const type =
        typeof step.event === 'string' ? step.event : step.event[request.kind];
      await this.options.history.namespace(type as EventOf<N>, request, {
        actor: options.actor,
        message: options.history.message,
        details: options.history.details,
      });
    }
    return updated;
  }

  /** Expires a pending request nobody decided; false when it was no longer pending. */
  async expire(request: StoredNamespaceRequest): Promise<boolean> {
    const expired = await this.transition(request, 'expire', {
      history: {
        message: `Request for ${
          request.kind === 'create' ? '' : 'decommissioning '
        }${request.namespace} expired without a decision`,
      },
    });
    return expired !== undefined;
  }
}
