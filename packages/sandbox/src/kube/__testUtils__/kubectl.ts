import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** Outcome of one kubectl invocation. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real kubectl with an isolated HOME and discovery cache under `dir`, so runs never
 * read or pollute the user's ~/.kube. Never rejects: failures come back as a non-zero code.
 */
export function runKubectl(options: {
  dir: string;
  kubeconfig: string;
  args: string[];
  input?: string;
}): Promise<KubectlResult> {
  return new Promise(resolve => {
    const child = execFile(
      'kubectl',
      [
        '--kubeconfig',
        options.kubeconfig,
        '--cache-dir',
        join(options.dir, 'cache'),
        ...options.args,
      ],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin', HOME: options.dir },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like {@link runKubectl}, but throws when kubectl fails (for test set-up). */
export async function kubectlOk(options: {
  dir: string;
  kubeconfig: string;
  args: string[];
  input?: string;
}): Promise<string> {
  const result = await runKubectl(options);
  if (result.code !== 0) {
    throw new Error(
      `kubectl ${options.args.join(' ')} failed (${result.code}): ${
        result.stderr
      }`,
    );
  }
  return result.stdout;
}
