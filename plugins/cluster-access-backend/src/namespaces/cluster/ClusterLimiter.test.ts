import { ClusterLimiter } from './ClusterLimiter';

/** A task that runs until released, recording when it started. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>(resolve => {
    release = resolve;
  });
  return { done, release };
}

const flush = () => new Promise(resolve => setImmediate(resolve));

describe('ClusterLimiter', () => {
  it('runs at most N at once per cluster, the rest in order, other clusters unaffected', async () => {
    const limiter = new ClusterLimiter(2);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const task = (cluster: string, id: string) =>
      limiter.run(cluster, async () => {
        started.push(id);
        const g = gate();
        gates.set(id, g);
        await g.done;
      });
    const all = [
      task('a', 'a1'),
      task('a', 'a2'),
      task('a', 'a3'),
      task('a', 'a4'),
      task('b', 'b1'),
    ];
    await flush();
    expect(started).toEqual(['a1', 'a2', 'b1']);
    expect(limiter.load('a')).toEqual({ active: 2, waiting: 2 });

    gates.get('a2')!.release();
    await flush();
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
    for (const id of ['a1', 'a3', 'b1']) gates.get(id)!.release();
    await flush();
    gates.get('a4')!.release();
    await Promise.all(all);
    expect(started).toEqual(['a1', 'a2', 'b1', 'a3', 'a4']);
    expect(limiter.load('a')).toEqual({ active: 0, waiting: 0 });
  });

  it('frees the slot when the work fails', async () => {
    const limiter = new ClusterLimiter(1);
    await expect(
      limiter.run('a', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(limiter.run('a', async () => 'next')).resolves.toBe('next');
  });

  it("holds back a paused cluster's work for the time it asked, not other clusters'", async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const sleeps: number[] = [];
    const limiter = new ClusterLimiter(4, async ms => {
      sleeps.push(ms);
      // The wait is over: move past the pause as time would.
      jest.setSystemTime(Date.now() + ms);
    });
    try {
      limiter.pause('a', 30_000);
      const ran: string[] = [];
      await limiter.run('b', async () => ran.push('b'));
      expect(sleeps).toEqual([]);
      await limiter.run('a', async () => ran.push('a'));
      expect(ran).toEqual(['b', 'a']);
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThan(29_000);
      expect(sleeps[0]).toBeLessThanOrEqual(30_000);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a concurrency below 1', () => {
    expect(() => new ClusterLimiter(0)).toThrow(/1 or more/);
  });
});
