import {
  Attributes,
  BatchObservableResult,
  Counter,
  Histogram,
  metrics,
  ObservableGauge,
} from '@opentelemetry/api';

/*
 * What an on-call engineer graphs and alerts on, emitted through
 * OpenTelemetry's global meter provider as the rest of Backstage does: the
 * backend's instrumentation file decides where they go (the demo serves them
 * to Prometheus). Without a provider every instrument is a no-op.
 *
 * Attributes stay low in cardinality: outcomes, reasons, clusters, verbs and
 * kinds; never users, namespaces or serial numbers.
 */

const meter = () => metrics.getMeter('cluster-access');

// Latencies in seconds; buckets from a local call to a slow upstream.
const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** What became of an issuance. */
export type IssuanceOutcome =
  | 'issued'
  | 'refused'
  | 'upstream_failure'
  | 'error';

interface Instruments {
  issuanceDuration: Histogram;
  issuances: Counter;
  vaultDuration: Histogram;
  kubernetesDuration: Histogram;
  reconcileDuration: Histogram;
  driftRepairs: Counter;
  leaverRemovals: Counter;
  provisioningQueueDepth: ObservableGauge;
  provisioningOldestAge: ObservableGauge;
}

let instruments: Instruments | undefined;

// Created on first use, so that a provider registered after this module is
// loaded (the instrumentation file runs first, tests set their own) is used.
function get(): Instruments {
  if (instruments) return instruments;
  const m = meter();
  const latency = (name: string, description: string) =>
    m.createHistogram(name, {
      description,
      unit: 's',
      advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
    });
  instruments = {
    issuanceDuration: latency(
      'cluster_access.certificate.issuance.duration',
      'Time to answer a certificate request, by outcome',
    ),
    issuances: m.createCounter('cluster_access.certificate.issuances', {
      description:
        'Certificate requests by outcome (issued, refused, upstream_failure, error) and reason',
    }),
    vaultDuration: latency(
      'cluster_access.vault.request.duration',
      'Vault API calls by operation and outcome (ok, or the HTTP status class or error)',
    ),
    kubernetesDuration: latency(
      'cluster_access.kubernetes.request.duration',
      'Kubernetes API calls by cluster, verb, kind and outcome',
    ),
    reconcileDuration: m.createHistogram('cluster_access.reconcile.duration', {
      description: 'Time of one reconcile pass over a cluster',
      unit: 's',
      advice: {
        explicitBucketBoundaries: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      },
    }),
    driftRepairs: m.createCounter('cluster_access.reconcile.drift_repairs', {
      description:
        'Objects the reconciler created, changed or deleted because the cluster drifted',
    }),
    leaverRemovals: m.createCounter(
      'cluster_access.reconcile.leaver_removals',
      {
        description:
          'Access removed by the reconciler: Group leavers, departed and expired extra members',
      },
    ),
    provisioningQueueDepth: m.createObservableGauge(
      'cluster_access.provisioning.queue.depth',
      {
        description:
          'Namespace requests approved and not yet ready (approved, provisioning, failed and waiting to retry)',
      },
    ),
    provisioningOldestAge: m.createObservableGauge(
      'cluster_access.provisioning.queue.oldest_age',
      {
        description:
          'Age of the oldest namespace request waiting to be provisioned',
        unit: 's',
      },
    ),
  };
  return instruments;
}

/** Forgets the instruments, so that the next use takes the current provider (tests). */
export function resetMetricsForTests() {
  instruments = undefined;
}

const seconds = (startedAt: number) => (performance.now() - startedAt) / 1000;

export function recordIssuance(
  startedAt: number,
  outcome: IssuanceOutcome,
  reason?: string,
) {
  const { issuanceDuration, issuances } = get();
  issuanceDuration.record(seconds(startedAt), { outcome });
  issuances.add(1, { outcome, ...(reason ? { reason } : {}) });
}

/** Times one upstream call and records its outcome; returns what it returns. */
async function timed<T>(
  histogram: Histogram,
  attributes: Attributes,
  fn: () => Promise<T>,
  outcomeOf: (error: unknown) => string,
): Promise<T> {
  const startedAt = performance.now();
  try {
    const result = await fn();
    histogram.record(seconds(startedAt), { ...attributes, outcome: 'ok' });
    return result;
  } catch (error) {
    histogram.record(seconds(startedAt), {
      ...attributes,
      outcome: outcomeOf(error),
    });
    throw error;
  }
}

/** `4xx`, `5xx` for HTTP answers, `error` for the rest (timeouts, refusals). */
export function statusClass(status: unknown): string {
  return typeof status === 'number' && status >= 100
    ? `${Math.floor(status / 100)}xx`
    : 'error';
}

export function timeVaultCall<T>(
  operation: string,
  fn: () => Promise<T>,
  statusOf: (error: unknown) => unknown,
): Promise<T> {
  return timed(get().vaultDuration, { operation }, fn, e =>
    statusClass(statusOf(e)),
  );
}

export function timeKubernetesCall<T>(
  attributes: { cluster: string; verb: string; kind: string },
  fn: () => Promise<T>,
  statusOf: (error: unknown) => unknown,
): Promise<T> {
  return timed(get().kubernetesDuration, attributes, fn, e => {
    const status = statusOf(e);
    return status === 429 ? 'throttled' : statusClass(status);
  });
}

export function recordReconcile(options: {
  cluster: string;
  startedAt: number;
  outcome: 'ok' | 'problems' | 'unreachable';
}) {
  get().reconcileDuration.record(seconds(options.startedAt), {
    cluster: options.cluster,
    outcome: options.outcome,
  });
}

export function recordDriftRepairs(cluster: string, kind: string, n = 1) {
  if (n > 0) get().driftRepairs.add(n, { cluster, kind });
}

export function recordLeaverRemovals(cluster: string, reason: string, n = 1) {
  if (n > 0) get().leaverRemovals.add(n, { cluster, reason });
}

/** The provisioning queue as the database sees it, read at each collection. */
export interface ProvisioningQueue {
  depth: number;
  oldestCreatedAt?: Date;
}

/**
 * Reports the provisioning queue at each collection. Every replica reports
 * the same figures (they come from the shared database): take the max, not
 * the sum, across replicas. Returns a function that stops reporting.
 */
export function observeProvisioningQueue(
  read: () => Promise<ProvisioningQueue>,
): () => void {
  const { provisioningQueueDepth, provisioningOldestAge } = get();
  // One read of the database serves both gauges of a collection.
  const callback = async (result: BatchObservableResult) => {
    let queue: ProvisioningQueue;
    try {
      queue = await read();
    } catch {
      // The database is down: no figure beats a wrong one.
      return;
    }
    result.observe(provisioningQueueDepth, queue.depth);
    result.observe(
      provisioningOldestAge,
      queue.oldestCreatedAt
        ? Math.max(0, (Date.now() - queue.oldestCreatedAt.getTime()) / 1000)
        : 0,
    );
  };
  const observables = [provisioningQueueDepth, provisioningOldestAge];
  meter().addBatchObservableCallback(callback, observables);
  return () => meter().removeBatchObservableCallback(callback, observables);
}
