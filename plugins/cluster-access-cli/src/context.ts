/**
 * What a command needs from its surroundings, passed in so that tests run
 * commands in-process with their own environment, clock and output.
 *
 * @public
 */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Working directory for relative paths; defaults to `process.cwd()`. */
  cwd?: string;
  /** Defaults to `os.homedir()`. */
  homeDirectory?: string;
  /** Defaults to `Date.now`. */
  now?: () => number;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Absolute path of the script that started this CLI (`bin/cluster-access`
   * or a link to it). A kubeconfig runs it when `cluster-access` is not in
   * `PATH`, and `backstage-cli` is looked for near it.
   */
  launcher?: string;
}
