/**
 * The Cluster Access command line: `cluster-access login`, the kubectl
 * exec-credential plugin `cluster-access credential`, `cluster-access
 * status` and `cluster-access logout`.
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from './args';
import { runCredential } from './commands/credential';
import { runLogin } from './commands/login';
import { runLogout } from './commands/logout';
import { runStatus } from './commands/status';
import type { CliContext } from './context';
import { CliError, UsageError } from './errors';

export { parseCommandLine, normalizeBackendUrl, usage } from './args';
export type {
  CommandLine,
  CredentialOptions,
  HelpRequest,
  LoginOptions,
  LogoutOptions,
  StatusOptions,
} from './args';
export type { CliContext } from './context';
export { CliError, UsageError } from './errors';

/**
 * The version in package.json, which sits one level above both
 * `src/index.ts` and the built `dist/index.cjs.js` (the CLI is not bundled
 * into a backend, where `__dirname` would move; `package.test.ts` checks
 * `--version` from the packed package).
 */
function version(): string {
  return JSON.parse(
    // eslint-disable-next-line no-restricted-syntax
    readFileSync(join(__dirname, '..', 'package.json'), 'utf8'),
  ).version;
}

/**
 * Runs one command line and returns the exit code: 0 on success, 1 when the
 * command failed (the reason on stderr), 2 when the command line is wrong
 * (the reason and the usage on stderr).
 *
 * @public
 */
export async function runCli(options: {
  args: string[];
  context: CliContext;
}): Promise<number> {
  const { args, context } = options;
  try {
    const commandLine = parseCommandLine(args);
    switch (commandLine.command) {
      case 'help':
        context.stdout.write(
          commandLine.version ? `${version()}\n` : commandLine.text ?? '',
        );
        return 0;
      case 'login':
        await runLogin(commandLine, context);
        return 0;
      case 'credential':
        await runCredential(commandLine, context);
        return 0;
      case 'logout':
        return await runLogout(commandLine, context);
      default:
        return await runStatus(commandLine, context);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      context.stderr.write(`cluster-access: ${e.message}\n\n${e.usage}`);
      return e.exitCode;
    }
    if (e instanceof CliError) {
      context.stderr.write(`cluster-access: ${e.message}\n`);
      return e.exitCode;
    }
    // Unexpected: the message, and the stack only when asked for.
    const error = e as Error;
    context.stderr.write(
      `cluster-access: ${
        context.env.CLUSTER_ACCESS_DEBUG ? error.stack : error.message
      }\n`,
    );
    return 1;
  }
}

/**
 * The entry point of `bin/cluster-access` (also installed as
 * `kubectl-cluster_access`, so `kubectl cluster-access ...` works too).
 *
 * @public
 */
export async function main(args: string[]): Promise<void> {
  process.exitCode = await runCli({
    args,
    context: {
      env: process.env,
      stdout: process.stdout,
      stderr: process.stderr,
      // The bin script node was started with.
      launcher: process.argv[1],
    },
  });
}
