import { constants, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import {
  delimiter,
  dirname,
  isAbsolute,
  join,
  resolve,
  win32,
} from 'node:path';
import { normalizeBackendUrl } from './args';
import { splitCommandLine } from './argv';
import { CliError } from './errors';
import { loadCrossSpawn, loadYaml } from './libraries';

/**
 * Options of {@link getBackstageToken}.
 *
 * @public
 */
export interface TokenOptions {
  /** Normalised backend base URL the token is for. */
  backendUrl: string;
  /** `--token-command`; wins over the environment. */
  tokenCommand?: string;
  env: NodeJS.ProcessEnv;
  /**
   * Directories from which `node_modules/.bin/backstage-cli` is looked for,
   * each and its parents, when it is not in `PATH`.
   */
  searchFrom?: string[];
  /** Defaults to 2 minutes: the Backstage CLI may refresh its token first. */
  timeoutMs?: number;
}

interface CommandResult {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 1024 * 1024;

/**
 * Runs a program without a shell and collects its output. cross-spawn is
 * child_process.spawn on Linux and macOS; on Windows it finds the program
 * through PATHEXT and runs `.cmd` shims (`az.cmd`, npm's `backstage-cli.cmd`)
 * with their arguments escaped for cmd.exe, which spawn alone cannot do.
 */
function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<CommandResult> {
  return new Promise(resolvePromise => {
    const child = loadCrossSpawn().spawn(file, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let failure: string | undefined;
    const collect = (chunks: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT && !failure) {
        failure = 'printed too much';
        child.kill();
      }
      chunks.push(chunk);
    };
    child.stdout!.on('data', collect(out));
    child.stderr!.on('data', collect(err));
    const timer = setTimeout(() => {
      failure ??= `no answer within ${Math.round(timeoutMs / 1000)}s`;
      child.kill();
    }, timeoutMs);
    // The child keeps the process alive while it runs; the timer need not.
    timer.unref();
    const finish = (code: number | string | null) => {
      clearTimeout(timer);
      resolvePromise({
        code: failure ?? code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    };
    child.on('error', e => {
      const code = (e as NodeJS.ErrnoException).code;
      failure ??=
        code === 'ENOENT' ? `${file} was not found` : code ?? e.message;
      finish(null);
    });
    child.on('close', (code, signal) => finish(code ?? signal));
  });
}

/**
 * What a failed command said about why: its last `Error:` line (the Backstage
 * CLI surrounds it with notices), else its last line.
 */
function lastLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
  const error = lines.filter(l => /^Error:/.test(l)).pop();
  return (error ?? lines[lines.length - 1] ?? '').replace(/^Error:\s*/, '');
}

/** A token is one line of printable text; anything else is not used or shown. */
function checkToken(output: string, source: string): string {
  const token = output.trim();
  if (!token) {
    throw new CliError(`${source} printed no token`);
  }
  if (/\s/.test(token)) {
    throw new CliError(
      `${source} printed more than one word; it should print only the token`,
    );
  }
  return token;
}

async function isExecutable(
  path: string,
  platform: NodeJS.Platform,
): Promise<boolean> {
  try {
    // Windows has no execute bit: a file with a PATHEXT extension runs.
    if (platform === 'win32') return (await fs.stat(path)).isFile();
    await fs.access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The names a program may have on disk: on Windows, with each PATHEXT. */
function candidateNames(
  name: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): string[] {
  if (platform !== 'win32') return [name];
  const extensions = (env.PATHEXT || '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .filter(Boolean);
  return extensions.map(extension => `${name}${extension.toLowerCase()}`);
}

/**
 * Finds an executable in `PATH`, then in the `node_modules/.bin` directories
 * from `searchFrom` up, which is where `backstage-cli` is in a Backstage
 * repository.
 *
 * @public
 */
export async function findExecutable(options: {
  name: string;
  env: NodeJS.ProcessEnv;
  searchFrom?: string[];
  /** Defaults to this machine's. */
  platform?: NodeJS.Platform;
}): Promise<string | undefined> {
  const { name, env, platform = process.platform } = options;
  const names = candidateNames(name, env, platform);
  const separator = platform === 'win32' ? win32.delimiter : delimiter;
  // Windows spells it Path; Node's env lookup ignores case only on Windows.
  const searchPath = env.PATH ?? env.Path ?? '';
  const first = async (directory: string) => {
    for (const candidate of names.map(n => join(directory, n))) {
      if (await isExecutable(candidate, platform)) return candidate;
    }
    return undefined;
  };
  for (const directory of searchPath.split(separator)) {
    if (directory && isAbsolute(directory)) {
      const found = await first(directory);
      if (found) return found;
    }
  }
  for (const start of options.searchFrom ?? []) {
    let directory = resolve(start);
    for (;;) {
      const found = await first(join(directory, 'node_modules', '.bin'));
      if (found) return found;
      const parent = dirname(directory);
      if (parent === directory) break;
      directory = parent;
    }
  }
  return undefined;
}

/**
 * Where to look for `backstage-cli` besides `PATH`: up from the launcher,
 * which in a Backstage repository finds its `node_modules/.bin`. Never from
 * the working directory: kubectl runs the plugin wherever the user happens
 * to be, and a checkout there must not get to run its own `backstage-cli`.
 *
 * @public
 */
export function tokenSearchFrom(context: { launcher?: string }): string[] {
  return context.launcher ? [dirname(context.launcher)] : [];
}

/**
 * The Backstage CLI's name for the instance signed in to `backendUrl`, from
 * its (non-secret) instance list, so that `print-token` hands out the token
 * of this backend and not of whichever instance happens to be selected.
 * `auth login --backend-url` names instances after the host, which is the
 * answer when the list cannot be read.
 *
 * @public
 */
export async function backstageCliInstance(options: {
  backendUrl: string;
  env: NodeJS.ProcessEnv;
}): Promise<string> {
  const { backendUrl, env } = options;
  const root = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const fallback = new URL(backendUrl).host;
  let instances: unknown;
  try {
    instances = loadYaml().parse(
      await fs.readFile(
        join(root, 'backstage-cli', 'auth-instances.yaml'),
        'utf8',
      ),
    )?.instances;
  } catch {
    return fallback;
  }
  if (!Array.isArray(instances)) return fallback;
  const matching = instances.filter(instance => {
    try {
      return normalizeBackendUrl(String(instance?.baseUrl)) === backendUrl;
    } catch {
      return false;
    }
  });
  const chosen = matching.find(i => i.selected) ?? matching[0];
  return typeof chosen?.name === 'string' ? chosen.name : fallback;
}

/**
 * A Backstage user token for `backendUrl`, from the first source that is
 * set: `--token-command`, `CLUSTER_ACCESS_TOKEN_COMMAND` (split into
 * arguments by {@link splitCommandLine} and run without a shell; trimmed
 * output), `CLUSTER_ACCESS_TOKEN`, or else
 * `backstage-cli auth print-token` for the instance signed in to the
 * backend. The token is never printed, not even in errors.
 *
 * @public
 */
export async function getBackstageToken(
  options: TokenOptions,
): Promise<string> {
  const { backendUrl, env, timeoutMs = 120_000 } = options;
  const command = options.tokenCommand ?? env.CLUSTER_ACCESS_TOKEN_COMMAND;
  if (command) {
    const [file, ...args] = splitCommandLine(command, { env });
    const result = await run(file, args, env, timeoutMs);
    if (result.code !== 0) {
      const why = lastLine(result.stderr);
      throw new CliError(
        `The token command failed (${
          typeof result.code === 'number' ? `exit ${result.code}` : result.code
        })${why ? `: ${why}` : ''}`,
      );
    }
    return checkToken(result.stdout, 'The token command');
  }
  if (env.CLUSTER_ACCESS_TOKEN) {
    return checkToken(env.CLUSTER_ACCESS_TOKEN, 'CLUSTER_ACCESS_TOKEN');
  }

  const loginHint = `Sign in with: backstage-cli auth login --backend-url ${backendUrl}`;
  const backstageCli = await findExecutable({
    name: 'backstage-cli',
    env,
    searchFrom: options.searchFrom,
  });
  if (!backstageCli) {
    throw new CliError(
      `No Backstage token: backstage-cli was not found in PATH. Install @backstage/cli and sign in (backstage-cli auth login --backend-url ${backendUrl}), or set CLUSTER_ACCESS_TOKEN_COMMAND.`,
    );
  }
  const instance = await backstageCliInstance({ backendUrl, env });
  const result = await run(
    backstageCli,
    ['auth', 'print-token', '--instance', instance],
    env,
    timeoutMs,
  );
  if (result.code !== 0) {
    const why = lastLine(result.stderr);
    throw new CliError(
      `You are not signed in to ${backendUrl} with the Backstage CLI${
        why ? ` (${why})` : ''
      }. ${loginHint}`,
    );
  }
  return checkToken(result.stdout, 'backstage-cli auth print-token');
}
