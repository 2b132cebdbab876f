import { LoggerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { ClusterAccessStore } from '../database/ClusterAccessStore';
import {
  NamespaceStore,
  StoredNamespaceRequest,
} from '../namespaces/NamespaceStore';
import { failureSentence, requestedWaitMs } from './failureSentences';
import { NamespaceProvisioner } from './NamespaceProvisioner';

/**
 * Retry timing of failed provisioning: the delay doubles from `initialDelayMs`
 * with every failed attempt, up to `maxDelayMs`.
 *
 * @public
 */
export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = {
  initialDelayMs: 30_000,
  maxDelayMs: 3_600_000,
};
const DEFAULT_LEASE_MS = 5 * 60_000;
/** How long a decommission waits for an in-flight provisioning to settle. */
const DEFER_MS = 15_000;
/** How often a decommission checks whether Kubernetes has finished deleting. */
const DELETION_POLL_MS = 10_000;

/** `<cluster>/<namespace>`, as the history records it. */
export function historyNamespace(request: {
  cluster: string;
  namespace: string;
}): string {
  return `${request.cluster}/${request.namespace}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Moves approved requests through provisioning (or decommissioning) to their
 * end state, retries failures with backoff and expires pending requests that
 * nobody decided. Safe to run in every replica at once: each request is
 * claimed with a lease in the database before anything touches a cluster, so
 * exactly one worker acts on it.
 *
 * @public
 */
export class NamespaceRequestWorker {
  private readonly workerId: string;
  private readonly clock: () => Date;
  private readonly leaseMs: number;
  private readonly retry: RetryPolicy;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      store: NamespaceStore;
      history: Pick<ClusterAccessStore, 'addHistoryEvent'>;
      provisioner: NamespaceProvisioner;
      logger: LoggerService;
      /** Identifies this replica in leases (default: a random id). */
      workerId?: string;
      clock?: () => Date;
      leaseMs?: number;
      retry?: RetryPolicy;
    },
  ) {
    this.workerId = options.workerId ?? `worker-${randomUUID()}`;
    this.clock = options.clock ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /** One pass: expire stale pending requests, then act on every due one. */
  async runOnce(): Promise<void> {
    await this.expirePending();
    const due = await this.options.store.listDueRequests(this.clock(), 100);
    for (const request of due) {
      try {
        await this.process(request.id);
      } catch (error) {
        // One request's trouble (a database hiccup, say) never holds up the
        // others; its lease runs out and a later pass takes it up again.
        this.options.logger.error(
          `Processing namespace request ${request.id} failed: ${errorMessage(
            error,
          )}`,
        );
      }
    }
  }

  /**
   * Starts work on one request in the background (after an approval), so
   * that the HTTP answer does not wait for the cluster. Errors are recorded
   * on the request; the scheduled pass retries.
   */
  trigger(id: string): void {
    const work = this.process(id)
      .catch(error =>
        this.options.logger.error(
          `Processing namespace request ${id} failed: ${errorMessage(error)}`,
        ),
      )
      .finally(() => this.inflight.delete(work));
    this.inflight.add(work);
  }

  /** Resolves once all triggered work has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) {
      await Promise.all([...this.inflight]);
    }
  }

  /** Claims one request and moves it on; does nothing if it is not due or another worker has it. */
  async process(id: string): Promise<void> {
    const claimed = await this.options.store.claimRequest({
      id,
      workerId: this.workerId,
      now: this.clock(),
      leaseMs: this.leaseMs,
    });
    if (!claimed) return;
    if (claimed.kind === 'create') {
      await this.provision(claimed);
    } else {
      await this.decommission(claimed);
    }
  }

  private backoff(attempts: number): number {
    return Math.min(
      this.retry.initialDelayMs * 2 ** Math.max(attempts - 1, 0),
      this.retry.maxDelayMs,
    );
  }

  private async expirePending(): Promise<void> {
    const { store, history } = this.options;
    const now = this.clock();
    for (const request of await store.listExpiredPending(now)) {
      const expired = await store.updateRequest(
        request.id,
        { status: ['pending'] },
        { status: 'expired' },
        now,
      );
      if (expired) {
        await history.addHistoryEvent({
          actor: 'system',
          type: 'request.expired',
          requestId: request.id,
          namespace: historyNamespace(request),
          message: `Request for ${
            request.kind === 'create' ? '' : 'decommissioning '
          }${request.namespace} expired without a decision`,
        });
      }
    }
  }

  private async provision(request: StoredNamespaceRequest): Promise<void> {
    const { store, history, provisioner, logger } = this.options;
    const ns = historyNamespace(request);
    const attempt = request.attempts + 1;
    const started = await store.updateRequest(
      request.id,
      {
        status: ['approved', 'failed', 'provisioning'],
        claimedBy: this.workerId,
      },
      { status: 'provisioning' },
      this.clock(),
    );
    if (!started) return;
    await history.addHistoryEvent({
      actor: 'system',
      type: 'provisioning.started',
      requestId: request.id,
      namespace: ns,
      message: `Provisioning ${request.namespace} on ${request.cluster} (attempt ${attempt})`,
      details: { attempt },
    });
    try {
      await provisioner.provision(request, step =>
        history
          .addHistoryEvent({
            actor: 'system',
            type: 'provisioning.step',
            requestId: request.id,
            namespace: ns,
            message: `${step.action === 'created' ? 'Created' : 'Applied'} ${
              step.kind
            } ${step.name}`,
            details: { ...step },
          })
          .then(() => undefined),
      );
    } catch (error) {
      await this.recordFailure({
        request,
        from: 'provisioning',
        attempt,
        error,
        historyType: 'provisioning.failed',
        message: `Provisioning ${request.namespace} failed`,
      });
      return;
    }
    const ready = await store.updateRequest(
      request.id,
      { status: ['provisioning'], claimedBy: this.workerId },
      {
        status: 'ready',
        error: null,
        attempts: attempt,
        nextAttemptAt: null,
        claimedBy: null,
        claimExpiresAt: null,
      },
      this.clock(),
    );
    if (ready) {
      await history.addHistoryEvent({
        actor: 'system',
        type: 'provisioning.ready',
        requestId: request.id,
        namespace: ns,
        message: `Namespace ${request.namespace} on ${request.cluster} is ready`,
      });
    } else {
      logger.warn(
        `Provisioned ${ns} but request ${request.id} changed hands meanwhile (lease lost)`,
      );
    }
  }

  private async decommission(request: StoredNamespaceRequest): Promise<void> {
    const { store, history, provisioner } = this.options;
    const ns = historyNamespace(request);
    const guard = {
      status: ['approved', 'failed', 'decommissioning'] as const,
      claimedBy: this.workerId,
    };
    const target = request.targetRequestId
      ? await store.getRequest(request.targetRequestId)
      : undefined;
    if (!target || target.status === 'deleted') {
      await this.finishDecommission(request, target);
      return;
    }
    if (target.status !== 'decommissioning') {
      const moved = await store.updateRequest(
        target.id,
        { status: ['ready', 'failed'] },
        { status: 'decommissioning' },
        this.clock(),
      );
      if (!moved) {
        // The namespace is being provisioned right now; try again shortly.
        await store.updateRequest(
          request.id,
          guard,
          {
            claimedBy: null,
            claimExpiresAt: null,
            nextAttemptAt: new Date(this.clock().getTime() + DEFER_MS),
          },
          this.clock(),
        );
        return;
      }
    }
    const attempt = request.attempts + 1;
    const started = await store.updateRequest(
      request.id,
      guard,
      { status: 'decommissioning' },
      this.clock(),
    );
    if (!started) return;
    if (request.status !== 'decommissioning') {
      await history.addHistoryEvent({
        actor: 'system',
        type: 'decommission.started',
        requestId: request.id,
        namespace: ns,
        message: `Deleting namespace ${request.namespace} on ${request.cluster}`,
        details: { attempt, targetRequestId: target.id },
      });
    }
    let outcome: 'gone' | 'deleting';
    try {
      outcome = await provisioner.decommission(target);
    } catch (error) {
      await this.recordFailure({
        request,
        from: 'decommissioning',
        attempt,
        error,
        historyType: 'decommission.failed',
        message: `Deleting ${request.namespace} failed`,
      });
      return;
    }
    if (outcome === 'deleting') {
      // Kubernetes removes everything in the namespace first (Terminating);
      // the name stays taken until the namespace is gone, so check back.
      await store.updateRequest(
        request.id,
        { status: ['decommissioning'], claimedBy: this.workerId },
        {
          error: null,
          claimedBy: null,
          claimExpiresAt: null,
          nextAttemptAt: new Date(this.clock().getTime() + DELETION_POLL_MS),
        },
        this.clock(),
      );
      return;
    }
    await this.finishDecommission(
      { ...request, status: 'decommissioning' },
      target,
    );
  }

  /**
   * A failed provisioning or decommissioning attempt: the request becomes
   * `failed` with a sentence about the error and the next attempt's time
   * (the cluster's Retry-After, or backoff), its claim
   * is released, and the failure goes into the history — only if this worker
   * still held the claim, so a lost lease never writes twice.
   */
  private async recordFailure(options: {
    request: StoredNamespaceRequest;
    from: 'provisioning' | 'decommissioning';
    attempt: number;
    error: unknown;
    historyType: string;
    message: string;
  }): Promise<void> {
    const { store, history, logger } = this.options;
    const { request, attempt } = options;
    const ns = historyNamespace(request);
    // When the cluster said how long to wait (Retry-After) or the name is
    // still being freed, that wait replaces the generic backoff.
    const wait = requestedWaitMs(options.error) ?? this.backoff(attempt);
    const nextAttemptAt = new Date(this.clock().getTime() + wait);
    // The details (cluster texts, operations) go to the logs; the request and
    // the public history get a sentence a requester understands.
    logger.warn(
      `${options.message} (${ns}, request ${
        request.id
      }, attempt ${attempt}): ${errorMessage(options.error)}`,
    );
    const reason = failureSentence(options.error, wait);
    const failed = await store.updateRequest(
      request.id,
      { status: [options.from], claimedBy: this.workerId },
      {
        status: 'failed',
        error: reason,
        attempts: attempt,
        nextAttemptAt,
        claimedBy: null,
        claimExpiresAt: null,
      },
      this.clock(),
    );
    if (failed) {
      await history.addHistoryEvent({
        actor: 'system',
        type: options.historyType,
        requestId: request.id,
        namespace: ns,
        message: `${options.message}: ${reason}`,
        details: {
          attempt,
          error: reason,
          nextAttemptAt: nextAttemptAt.toISOString(),
        },
      });
    }
  }

  private async finishDecommission(
    request: StoredNamespaceRequest,
    target: StoredNamespaceRequest | undefined,
  ): Promise<void> {
    const { store, history } = this.options;
    const now = this.clock();
    if (target && target.status !== 'deleted') {
      await store.updateRequest(
        target.id,
        { status: ['decommissioning'] },
        { status: 'deleted' },
        now,
      );
    }
    const done = await store.updateRequest(
      request.id,
      {
        status: ['approved', 'failed', 'decommissioning'],
        claimedBy: this.workerId,
      },
      {
        status: 'deleted',
        error: null,
        attempts: request.attempts + 1,
        nextAttemptAt: null,
        claimedBy: null,
        claimExpiresAt: null,
      },
      now,
    );
    if (done) {
      await history.addHistoryEvent({
        actor: 'system',
        type: 'namespace.deleted',
        requestId: request.id,
        namespace: historyNamespace(request),
        message: `Namespace ${request.namespace} on ${request.cluster} was deleted`,
        details: target ? { targetRequestId: target.id } : undefined,
      });
    }
  }
}
