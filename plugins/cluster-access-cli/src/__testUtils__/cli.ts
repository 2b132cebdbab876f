import { runCli } from '../index';
import { output } from './credentials';

/** The Backstage token the command tests give the CLI; no output may show it. */
export const TEST_TOKEN = 'token-that-must-not-be-shown';

/** Where an installed CLI's bin is, as the bin tells the CLI. */
export const TEST_LAUNCHER = '/opt/cluster-access/bin/cluster-access';

/** What the fake backend's `GET /identity` answers: alice of payments. */
export const TEST_IDENTITY = {
  username: 'alice',
  groups: ['payments'],
  defaultTtlSeconds: 3600,
  maxTtlSeconds: 7200,
};

/**
 * Runs the CLI at home and in the working directory `dir`, with
 * {@link TEST_TOKEN} as CLUSTER_ACCESS_TOKEN unless `env` says otherwise;
 * fails the test when anything it printed shows the token.
 */
export async function runTestCli(options: {
  args: string[];
  dir: string;
  env?: NodeJS.ProcessEnv;
  launcher?: string;
}) {
  const { args, dir, env, launcher } = options;
  const stdout = output();
  const stderr = output();
  const code = await runCli({
    args,
    context: {
      env: { CLUSTER_ACCESS_TOKEN: TEST_TOKEN, ...env },
      stdout,
      stderr,
      cwd: dir,
      homeDirectory: dir,
      launcher,
    },
  });
  expect(stdout.text + stderr.text).not.toContain(TEST_TOKEN);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
