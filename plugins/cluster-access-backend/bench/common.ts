/*
 * What every benchmark shares: closed-loop load with latency percentiles,
 * CPU accounting of a process, and the figures `yarn bench` writes to
 * `bench/results/<name>.json` at the repository root.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

export interface LatencyStats {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
}

export function percentile(sorted: number[], p: number): number {
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[index];
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Runs `total` calls of `fn` with `concurrency` closed-loop workers (worker i
 * plays user i) and returns latency percentiles in milliseconds.
 */
export async function measure(
  concurrency: number,
  total: number,
  fn: (worker: number) => Promise<void>,
): Promise<LatencyStats> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        await fn(worker);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    perSecond: round((latencies.length / elapsed) * 1000, 1),
  };
}

/** CPU time (user + system, all threads) in milliseconds. */
export function cpuMs(usage: NodeJS.CpuUsage = process.cpuUsage()): number {
  return (usage.user + usage.system) / 1000;
}

// Phases being timed, innermost last, each with the CPU its inner phases used.
const open: Array<{ inner: number }> = [];
// Off unless asked: each process.cpuUsage() call costs CPU of its own.
let accounting = false;

export function setCpuAccounting(on: boolean) {
  accounting = on;
}

/**
 * Wraps `target[method]` so that the CPU time spent while it runs, minus the
 * time of phases timed inside it, is added to `into[phase]` (self time, as a
 * profiler counts it). Only meaningful when one request runs at a time:
 * process CPU is not per call.
 */
export function accountCpu<T extends object>(
  target: T,
  method: keyof T & string,
  phase: string,
  into: Record<string, number>,
) {
  const original = (target as any)[method] as (...args: any[]) => any;
  (target as any)[method] = async function accounted(
    this: unknown,
    ...args: any[]
  ) {
    if (!accounting) return original.apply(this, args);
    const before = process.cpuUsage();
    const frame = { inner: 0 };
    open.push(frame);
    try {
      return await original.apply(this, args);
    } finally {
      open.splice(open.lastIndexOf(frame), 1);
      const spent = cpuMs(process.cpuUsage(before));
      into[phase] = (into[phase] ?? 0) + spent - frame.inner;
      const parent = open[open.length - 1];
      if (parent) parent.inner += spent;
    }
  };
}

export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'backstage.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

/**
 * Hands the figures to `yarn bench` (bench/run.js at the root), which adds
 * the machine, Node version and date and writes bench/results/<name>.json.
 */
export function reportResult(name: string, size: string, figures: unknown) {
  process.stdout.write(
    `\nBENCH_RESULT ${JSON.stringify({ name, size, figures })}\n`,
  );
}

/** `small` or `full` from `--size=` (default full). */
export function benchSize(): 'small' | 'full' {
  const arg = process.argv.find(a => a.startsWith('--size='));
  const size = arg?.slice('--size='.length) ?? process.env.BENCH_SIZE ?? 'full';
  if (size !== 'small' && size !== 'full') {
    throw new Error(`--size must be small or full, got ${size}`);
  }
  return size;
}

/**
 * A V8 CPU profile of this process over a measured stretch only (not
 * start-up), written where `stop` is told (open it in Chrome's DevTools).
 */
export class Profiler {
  private readonly session = new Session();

  private post(method: string, params?: object): Promise<any> {
    return new Promise((resolve, reject) =>
      this.session.post(method, params ?? {}, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  }

  async start(): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 200 });
    await this.post('Profiler.start');
  }

  async stop(file: string): Promise<void> {
    const { profile } = await this.post('Profiler.stop');
    this.session.disconnect();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
  }
}
