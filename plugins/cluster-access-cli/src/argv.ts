import { CliError } from './errors';
import { loadShellQuote } from './libraries';

/** shell-quote reads an unclosed quote as if it were closed; sh refuses. */
function unclosedQuote(command: string): 'single' | 'double' | undefined {
  let state: 'none' | 'single' | 'double' = 'none';
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (state === 'single') {
      if (c === "'") state = 'none';
    } else if (c === '\\') {
      i++;
    } else if (c === '"') {
      state = state === 'double' ? 'none' : 'double';
    } else if (c === "'" && state === 'none') {
      state = 'single';
    }
  }
  return state === 'none' ? undefined : state;
}

/**
 * Splits a command line the way a POSIX shell would split a simple command:
 * single quotes keep everything, double quotes and backslashes work as in
 * `sh`, and `$VAR`/`${VAR}` are replaced from `env`. Nothing else a shell
 * does happens (no `$(...)`, globs, pipes or redirections), so anything that
 * would need one is refused rather than passed on as a literal argument.
 */
function splitPosix(command: string, env: NodeJS.ProcessEnv): string[] {
  const unclosed = unclosedQuote(command);
  if (unclosed) {
    throw new CliError(`The token command has an unclosed ${unclosed} quote`);
  }
  const args: string[] = [];
  for (const entry of loadShellQuote().parse(command, key => env[key])) {
    if (typeof entry === 'string') {
      args.push(entry);
    } else if ('comment' in entry) {
      break;
    } else {
      const what = 'pattern' in entry ? entry.pattern : entry.op;
      throw new CliError(
        `The token command is run without a shell, so '${what}' cannot be used in it; quote it, or run a shell yourself: sh -c '...'`,
      );
    }
  }
  return args;
}

/**
 * Splits a command line by the rules Windows programs use for their own
 * command line (`CommandLineToArgvW`): spaces and tabs separate arguments
 * outside double quotes, backslashes are literal except before a double
 * quote, `\"` is a quote character and `""` inside quotes is one too. So
 * `C:\Tools\token.exe` needs no quoting. Characters that only `cmd.exe`
 * gives a meaning to are refused, since no `cmd.exe` runs the command.
 */
function splitWindows(command: string): string[] {
  const args: string[] = [];
  let current = '';
  let started = false;
  let quoted = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === '\\') {
      let count = 0;
      while (command[i + count] === '\\') count++;
      if (command[i + count] === '"') {
        current += '\\'.repeat(Math.floor(count / 2));
        if (count % 2 === 1) current += '"';
        else quoted = !quoted;
        i += count;
      } else {
        current += '\\'.repeat(count);
        i += count - 1;
      }
      started = true;
    } else if (c === '"') {
      if (quoted && command[i + 1] === '"') {
        current += '"';
        i++;
      } else {
        quoted = !quoted;
      }
      started = true;
    } else if (!quoted && (c === ' ' || c === '\t')) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else if (!quoted && '|&<>^'.includes(c)) {
      throw new CliError(
        `The token command is run without a shell, so '${c}' cannot be used in it; quote it, or run a shell yourself: cmd /c "..."`,
      );
    } else {
      current += c;
      started = true;
    }
  }
  if (quoted) {
    throw new CliError('The token command has an unclosed double quote');
  }
  if (started) args.push(current);
  return args;
}

/**
 * Splits `--token-command` into the program and its arguments, so that it
 * can be run without a shell on every platform: by POSIX shell rules on
 * Linux and macOS, by Windows' own rules on Windows.
 *
 * @public
 */
export function splitCommandLine(
  command: string,
  options: { env: NodeJS.ProcessEnv; platform?: NodeJS.Platform },
): string[] {
  const platform = options.platform ?? process.platform;
  let args: string[];
  try {
    args =
      platform === 'win32'
        ? splitWindows(command)
        : splitPosix(command, options.env);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(
      `The token command cannot be split into arguments: ${
        (e as Error).message
      }`,
    );
  }
  if (args.length === 0 || !args[0]) {
    throw new CliError('The token command is empty');
  }
  return args;
}
