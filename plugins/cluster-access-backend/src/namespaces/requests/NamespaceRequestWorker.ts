import { LoggerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import {
  historyNamespace,
  HistoryRecorder,
  RecordedEvent,
} from '../../history/HistoryRecorder';
import { failureSentence, requestedWaitMs } from '../cluster/failureSentences';
import { NamespaceProvisioner } from '../cluster/NamespaceProvisioner';
import { ClusterBusyError } from '../cluster/clusterFailures';
import { ClusterLimiter } from '../cluster/ClusterLimiter';
import { NamespaceLifecycle } from './lifecycle';
import { NamespaceStore, StoredNamespaceRequest } from './NamespaceStore';

/**
 * Retry timing of failed provisioning: the delay doubles from `initialDelayMs`
 * with every failed attempt, up to `maxDelayMs`.
 *
 * @internal
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

/** Clears the lease, when a worker is done with a request for now. */
const RELEASED = { claimedBy: null, claimExpiresAt: null } as const;

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
 * @internal
 */
export class NamespaceRequestWorker {
  private readonly workerId: string;
  private readonly clock: () => Date;
  private readonly leaseMs: number;
  private readonly retry: RetryPolicy;
  private readonly inflight = new Set<Promise<void>>();
  private readonly limiter: ClusterLimiter;

  constructor(
    private readonly options: {
      store: NamespaceStore;
      lifecycle: NamespaceLifecycle;
      history: HistoryRecorder;
      provisioner: NamespaceProvisioner;
      logger: LoggerService;
      /** Identifies this replica in leases (default: a random id). */
      workerId?: string;
      clock?: () => Date;
      leaseMs?: number;
      retry?: RetryPolicy;
      /** Namespaces provisioned (or deleted) at once per cluster; default 8. */
      concurrencyPerCluster?: number;
    },
  ) {
    this.workerId = options.workerId ?? `worker-${randomUUID()}`;
    this.clock = options.clock ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.limiter = new ClusterLimiter(options.concurrencyPerCluster);
  }

  /** One pass: expire stale pending requests, then act on every due one. */
  async runOnce(): Promise<void> {
    await this.expirePending();
    const due = await this.options.store.listDueRequests(this.clock(), 100);
    // All at once: the limiter bounds the work on each cluster.
    await Promise.all(
      due.map(async request => {
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
      }),
    );
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
    await this.limiter.run(claimed.cluster, async () => {
      // Checked once the slot is ours: the cluster may have asked meanwhile.
      const pausedUntil = this.limiter.pausedUntil(claimed.cluster);
      if (pausedUntil > this.clock().getTime()) {
        // Let go of the request and take it up again at that time, without
        // an attempt the cluster would refuse.
        await this.options.store.updateRequest(
          claimed.id,
          { status: [claimed.status], claimedBy: this.workerId },
          { ...RELEASED, nextAttemptAt: new Date(pausedUntil) },
          this.clock(),
        );
      } else if (claimed.kind === 'create') {
        await this.provision(claimed);
      } else {
        await this.decommission(claimed);
      }
    });
  }

  private backoff(attempts: number): number {
    return Math.min(
      this.retry.initialDelayMs * 2 ** Math.max(attempts - 1, 0),
      this.retry.maxDelayMs,
    );
  }

  private async expirePending(): Promise<void> {
    const { store, lifecycle } = this.options;
    for (const request of await store.listExpiredPending(this.clock())) {
      await lifecycle.expire(request);
    }
  }

  private async provision(request: StoredNamespaceRequest): Promise<void> {
    const { lifecycle, history, provisioner, logger } = this.options;
    const attempt = request.attempts + 1;
    const started = await lifecycle.transition(request, 'startProvisioning', {
      claimedBy: this.workerId,
      history: {
        message: `Provisioning ${request.namespace} on ${request.cluster} (attempt ${attempt})`,
        details: { attempt },
      },
    });
    if (!started) return;
    // The steps go into the history in one write (a dozen objects per
    // namespace), before the attempt's outcome, each at its own time.
    const steps: Array<RecordedEvent<'provisioning.step'> & { at: Date }> = [];
    const recordSteps = () =>
      history.namespaceEvents('provisioning.step', request, steps.splice(0));
    try {
      await provisioner.provision(request, async step => {
        steps.push({
          at: new Date(),
          message: `${step.action === 'created' ? 'Created' : 'Applied'} ${
            step.kind
          } ${step.name}`,
          details: { ...step },
        });
      });
      await recordSteps();
    } catch (error) {
      // What was written before the failure is in the cluster: say so.
      await recordSteps().catch(e =>
        logger.warn(
          `Could not record the provisioning steps of ${historyNamespace(
            request,
          )}: ${errorMessage(e)}`,
        ),
      );
      await this.recordFailure({
        request,
        transition: 'failProvisioning',
        attempt,
        error,
        message: `Provisioning ${request.namespace} failed`,
      });
      return;
    }
    const ready = await lifecycle.transition(request, 'finishProvisioning', {
      claimedBy: this.workerId,
      changes: {
        error: null,
        attempts: attempt,
        nextAttemptAt: null,
        ...RELEASED,
      },
      history: {
        message: `Namespace ${request.namespace} on ${request.cluster} is ready`,
      },
    });
    if (!ready) {
      logger.warn(
        `Provisioned ${historyNamespace(request)} but request ${
          request.id
        } changed hands meanwhile (lease lost)`,
      );
    }
  }

  private async decommission(request: StoredNamespaceRequest): Promise<void> {
    const { store, lifecycle, provisioner } = this.options;
    const target = request.targetRequestId
      ? await store.getRequest(request.targetRequestId)
      : undefined;
    if (!target || target.status === 'deleted') {
      await this.finishDecommission(request, target);
      return;
    }
    if (
      target.status !== 'decommissioning' &&
      !(await lifecycle.transition(target, 'targetDecommissioning'))
    ) {
      // The namespace is being provisioned right now; try again shortly.
      await this.deferDecommission(request, DEFER_MS);
      return;
    }
    const attempt = request.attempts + 1;
    const started = await lifecycle.transition(request, 'startDecommission', {
      claimedBy: this.workerId,
      // Recorded once, not at every check of a namespace still terminating.
      history:
        request.status === 'decommissioning'
          ? undefined
          : {
              message: `Deleting namespace ${request.namespace} on ${request.cluster}`,
              details: { attempt, targetRequestId: target.id },
            },
    });
    if (!started) return;
    let outcome: 'gone' | 'deleting';
    try {
      outcome = await provisioner.decommission(target);
    } catch (error) {
      await this.recordFailure({
        request,
        transition: 'failDecommission',
        attempt,
        error,
        message: `Deleting ${request.namespace} failed`,
      });
      return;
    }
    if (outcome === 'deleting') {
      // Kubernetes removes everything in the namespace first (Terminating);
      // the name stays taken until the namespace is gone, so check back.
      await this.deferDecommission(started, DELETION_POLL_MS, { error: null });
      return;
    }
    await this.finishDecommission(started, target);
  }

  /** Releases a decommission request's lease until `delayMs` from now. */
  private async deferDecommission(
    request: StoredNamespaceRequest,
    delayMs: number,
    changes: { error?: null } = {},
  ): Promise<void> {
    await this.options.lifecycle.transition(request, 'deferDecommission', {
      claimedBy: this.workerId,
      changes: {
        ...changes,
        ...RELEASED,
        nextAttemptAt: new Date(this.clock().getTime() + delayMs),
      },
    });
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
    transition: 'failProvisioning' | 'failDecommission';
    attempt: number;
    error: unknown;
    message: string;
  }): Promise<void> {
    const { request, attempt } = options;
    // When the cluster said how long to wait (Retry-After) or the name is
    // still being freed, that wait replaces the generic backoff.
    const wait = requestedWaitMs(options.error) ?? this.backoff(attempt);
    const nextAttemptAt = new Date(this.clock().getTime() + wait);
    if (options.error instanceof ClusterBusyError) {
      // The cluster asked everyone to slow down: put off this replica's
      // other work on it that has not started yet, not only this request.
      this.limiter.pause(request.cluster, nextAttemptAt.getTime());
    }
    // The details (cluster texts, operations) go to the logs; the request and
    // the public history get a sentence a requester understands.
    this.options.logger.warn(
      `${options.message} (${historyNamespace(request)}, request ${
        request.id
      }, attempt ${attempt}): ${errorMessage(options.error)}`,
    );
    const reason = failureSentence(options.error, wait);
    await this.options.lifecycle.transition(request, options.transition, {
      claimedBy: this.workerId,
      changes: { error: reason, attempts: attempt, nextAttemptAt, ...RELEASED },
      history: {
        message: `${options.message}: ${reason}`,
        details: {
          attempt,
          error: reason,
          nextAttemptAt: nextAttemptAt.toISOString(),
        },
      },
    });
  }

  private async finishDecommission(
    request: StoredNamespaceRequest,
    target: StoredNamespaceRequest | undefined,
  ): Promise<void> {
    const { lifecycle } = this.options;
    if (target && target.status !== 'deleted') {
      await lifecycle.transition(target, 'targetDeleted');
    }
    await lifecycle.transition(request, 'finishDecommission', {
      claimedBy: this.workerId,
      changes: {
        error: null,
        attempts: request.attempts + 1,
        nextAttemptAt: null,
        ...RELEASED,
      },
      history: {
        message: `Namespace ${request.namespace} on ${request.cluster} was deleted`,
        details: target ? { targetRequestId: target.id } : undefined,
      },
    });
  }
}
