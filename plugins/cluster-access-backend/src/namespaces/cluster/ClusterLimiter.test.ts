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

  it('remembers the latest time a cluster asked to be left alone until, per cluster', () => {
    const limiter = new ClusterLimiter(4);
    expect(limiter.pausedUntil('a')).toBe(0);
    limiter.pause('a', 2_000);
    limiter.pause('a', 1_000);
    expect(limiter.pausedUntil('a')).toBe(2_000);
    expect(limiter.pausedUntil('b')).toBe(0);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => new ClusterLimiter(0)).toThrow(/1 or more/);
  });
});
