/**
 * The Cluster Access command line.
 *
 * @packageDocumentation
 */
export async function main(_args: string[]): Promise<void> {
  process.stderr.write('cluster-access: no commands yet\n');
  process.exitCode = 2;
}
