/** Default of `clusterAccess.requests.provisioningConcurrency`. */
export const DEFAULT_PROVISIONING_CONCURRENCY = 8;

interface ClusterSlots {
  active: number;
  waiting: Array<() => void>;
  pausedUntil: number;
}

/**
 * Bounds how much work one replica does on each cluster at once, and
 * remembers until when a cluster asked to be left alone (429 with
 * Retry-After) so that work not yet started on it can be put off until then.
 * Clusters do not wait for each other.
 *
 * @internal
 */
export class ClusterLimiter {
  private readonly clusters = new Map<string, ClusterSlots>();

  constructor(
    private readonly perCluster: number = DEFAULT_PROVISIONING_CONCURRENCY,
  ) {
    if (!Number.isInteger(perCluster) || perCluster < 1) {
      throw new Error(
        `concurrency per cluster must be 1 or more, got ${perCluster}`,
      );
    }
  }

  /** Runs `fn` once the cluster has a free slot. */
  async run<T>(cluster: string, fn: () => Promise<T>): Promise<T> {
    const slots = this.slots(cluster);
    if (slots.active < this.perCluster) {
      slots.active++;
    } else {
      // The slot is handed over by the finally below; active stays as it is.
      await new Promise<void>(resolve => slots.waiting.push(resolve));
    }
    try {
      return await fn();
    } finally {
      const next = slots.waiting.shift();
      if (next) next();
      else slots.active--;
    }
  }

  /** Records that the cluster asked for no more work before `until` (epoch ms). */
  pause(cluster: string, until: number): void {
    const slots = this.slots(cluster);
    slots.pausedUntil = Math.max(slots.pausedUntil, until);
  }

  /** Until when (epoch ms) the cluster asked for no more work; 0 when it did not. */
  pausedUntil(cluster: string): number {
    return this.clusters.get(cluster)?.pausedUntil ?? 0;
  }

  /** Work running and waiting per cluster, for metrics and tests. */
  load(cluster: string): { active: number; waiting: number } {
    const slots = this.clusters.get(cluster);
    return {
      active: slots ? slots.active : 0,
      waiting: slots ? slots.waiting.length : 0,
    };
  }

  private slots(cluster: string): ClusterSlots {
    let slots = this.clusters.get(cluster);
    if (!slots) {
      slots = { active: 0, waiting: [], pausedUntil: 0 };
      this.clusters.set(cluster, slots);
    }
    return slots;
  }
}
