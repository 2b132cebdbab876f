/** Default of `clusterAccess.requests.provisioningConcurrency`. */
export const DEFAULT_PROVISIONING_CONCURRENCY = 8;

interface ClusterSlots {
  active: number;
  waiting: Array<() => void>;
  pausedUntil: number;
}

/**
 * Bounds how much work one replica does on each cluster at once, and holds
 * back the work of a cluster that asked to slow down (429 with Retry-After)
 * until the time it asked for. Clusters do not wait for each other.
 *
 * @public
 */
export class ClusterLimiter {
  private readonly clusters = new Map<string, ClusterSlots>();

  constructor(
    private readonly perCluster: number = DEFAULT_PROVISIONING_CONCURRENCY,
    private readonly sleep: (ms: number) => Promise<void> = ms =>
      new Promise(resolve => setTimeout(resolve, ms)),
  ) {
    if (!Number.isInteger(perCluster) || perCluster < 1) {
      throw new Error(
        `concurrency per cluster must be 1 or more, got ${perCluster}`,
      );
    }
  }

  /** Runs `fn` once the cluster has a free slot and is not paused. */
  async run<T>(cluster: string, fn: () => Promise<T>): Promise<T> {
    const slots = this.slots(cluster);
    if (slots.active < this.perCluster) {
      slots.active++;
    } else {
      // The slot is handed over by release(); active stays as it is.
      await new Promise<void>(resolve => slots.waiting.push(resolve));
    }
    try {
      for (;;) {
        const wait = slots.pausedUntil - Date.now();
        if (wait <= 0) break;
        await this.sleep(wait);
      }
      return await fn();
    } finally {
      const next = slots.waiting.shift();
      if (next) next();
      else slots.active--;
    }
  }

  /** Holds back work that has not started on the cluster for `ms`. */
  pause(cluster: string, ms: number): void {
    const slots = this.slots(cluster);
    slots.pausedUntil = Math.max(slots.pausedUntil, Date.now() + ms);
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
