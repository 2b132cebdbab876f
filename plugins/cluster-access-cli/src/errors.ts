/**
 * An error meant for the person at the terminal: its message is printed as
 * is (no stack), and the process exits with `exitCode`.
 *
 * @public
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 1;
  }
}

/**
 * A command line that does not parse: printed with the command's usage, exit
 * code 2 (as getopt-style tools do).
 *
 * @public
 */
export class UsageError extends CliError {
  readonly usage: string;

  constructor(message: string, usage: string) {
    super(message, { exitCode: 2 });
    this.name = 'UsageError';
    this.usage = usage;
  }
}
