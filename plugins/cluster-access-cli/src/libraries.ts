/* eslint-disable @typescript-eslint/no-require-imports */

/*
 * Third-party libraries that only some commands need, loaded on first use
 * rather than at start-up: kubectl starts `credential` for every command,
 * and a cache hit needs none of them (yaml alone cost a cache hit a third of
 * its time). `require`, as in ./common: jest cannot run `import()`, and the
 * build leaves a package's `require` as it is.
 */

/** YAML: kubeconfigs and backstage-cli's sign-in file. */
export function loadYaml(): typeof import('yaml') {
  return require('yaml');
}

/** Runs the token command without a shell, on Windows too. */
export function loadCrossSpawn(): typeof import('cross-spawn') {
  return require('cross-spawn');
}

/** Splits `--token-command` into words as sh would. */
export function loadShellQuote(): typeof import('shell-quote') {
  return require('shell-quote');
}
