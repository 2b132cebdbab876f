import { execFile } from 'node:child_process';
import { join } from 'node:path';

/*
 * Every benchmark of this package at its smallest size, so that none of them
 * rots: each must finish and hand `yarn bench` figures of the shape the
 * README table reads. The figures themselves are not checked (the machine is
 * noisy), only that they were measured.
 */

// Three backends one after the other for issuance (the real stack starts
// Backstage with three plugins); a loaded machine is slow, not broken.
jest.setTimeout(360_000);

const BENCH = join(__dirname, '..', 'bench');

function runSmall(file: string): Promise<{ name: string; figures: any }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        join(BENCH, file),
        '--size=small',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${file}: ${error.message}\n${stderr}`));
          return;
        }
        const line = stdout
          .split('\n')
          .find(l => l.startsWith('BENCH_RESULT '));
        if (!line) reject(new Error(`${file} printed no BENCH_RESULT`));
        else resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
      },
    );
  });
}

describe('benchmarks at their smallest size', () => {
  it('issuance: both Vault placements, the real stack, the floor, every level, a CPU split', async () => {
    const { name, figures } = await runSmall('issuance.ts');
    expect(name).toBe('issuance');
    expect(figures.modes.map((m: any) => [m.stack, m.vault])).toEqual([
      ['bare', 'own process'],
      ['bare', 'in the backend process'],
      ['real', 'own process'],
      ['floor', 'own process'],
    ]);
    for (const mode of figures.modes) {
      expect(mode.rows.map((r: any) => r.users)).toEqual([1, 5]);
      for (const row of mode.rows) {
        expect(row.issuance.requests).toBe(10);
        // Every issuance succeeded: on the real stack, with the users' real
        // tokens through httpAuth and the permission backend.
        expect(row.failedByStatus).toBeUndefined();
        expect(row.bareSign.requests).toBe(10);
        expect(row.backendCpuMsPerIssuance).toBeGreaterThan(0);
        expect(
          row.backendRequestsPerIssuance[
            'POST /api/cluster-access/certificates'
          ],
        ).toBe(1);
        expect(row.vaultCalls['write sign-verbatim']).toBe(10);
      }
    }
    // The product's stacks split their CPU by phase; the floor has none.
    const split = figures.modes.map(
      (m: any) => m.cpuSplitMsAtOneUser?.['vault calls'],
    );
    expect(split.slice(0, 3).every((ms: number) => ms > 0)).toBe(true);
    expect(split[3]).toBeUndefined();
    // The real stack asks the permission backend over HTTP on each issuance.
    const [, , real] = figures.modes;
    for (const row of real.rows) {
      expect(
        row.backendRequestsPerIssuance['POST /api/permission/authorize'],
      ).toBe(1);
    }
  });

  it('provisioning burst: every request ready', async () => {
    const { figures } = await runSmall('provisioningBurst.ts');
    for (const row of figures.rows) {
      expect(row.requests).toBe(20);
      expect(row.kubernetesCallsPerNamespace).toBeGreaterThan(0);
      expect(row.peakParallelProvisioning).toBeLessThanOrEqual(row.concurrency);
      // The peer runs in a process of its own: both sides are measured.
      expect(row.cpuMsPerNamespaceBackend).toBeGreaterThan(0);
      expect(row.cpuMsPerNamespacePeer).toBeGreaterThan(0);
      // Calls reuse kept-alive connections, never more than the pool allows.
      expect(row.tlsConnections).toBeGreaterThan(0);
      expect(row.tlsConnections).toBeLessThanOrEqual(32);
      expect(row.databaseStatementsPerNamespace.insert).toBeGreaterThan(0);
    }
  });

  it('reconcile: a quiet steady state and exactly k writes per k drifts', async () => {
    const { figures } = await runSmall('reconcile.ts');
    expect(figures.steadyState.writes).toBe(0);
    expect(figures.repairs.map((r: any) => r.writes)).toEqual([1, 5]);
  });
});
