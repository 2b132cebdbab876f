import { execFile } from 'node:child_process';
import path from 'node:path';

/*
 * The Generate benchmark (bench/generate.ts) at its smallest size, so it
 * cannot rot: every step of a Generate is measured. Figures are not checked
 * (the machine is noisy). It starts its own demo portal, taking turns with
 * the other browser test files; the ports lock is the one the test command
 * already holds.
 */

jest.setTimeout(30 * 60_000);

describe('the Generate benchmark', () => {
  it('times every step of a Generate in the demo portal', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          path.join(__dirname, '..', 'bench', 'generate.ts'),
          '--size=small',
        ],
        {
          env: { ...process.env, CA_PORTS_LOCKED: '1' },
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, out, stderr) =>
          error
            ? reject(new Error(`${error.message}\n${stderr}`))
            : resolve(out),
      );
    });
    const line = stdout.split('\n').find(l => l.startsWith('BENCH_RESULT '));
    const { name, figures } = JSON.parse(line!.slice('BENCH_RESULT '.length));
    expect(name).toBe('portal-generate');
    expect(figures.runs).toBe(3);
    expect(figures.rows.map((r: any) => r.step)).toEqual(
      expect.arrayContaining([
        'total',
        'load-crypto',
        'key-and-csr',
        'sign',
        'kubeconfig',
        'render until the link is in the DOM',
      ]),
    );
    for (const row of figures.rows) expect(row.p50Ms).toBeGreaterThanOrEqual(0);
  });
});
