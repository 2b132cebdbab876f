/**
 * The common package, loaded on first use rather than at start-up: it brings
 * the X.509 and permission libraries, which double the start-up time of a
 * `credential` call that only has to print the cached certificate (kubectl
 * runs one per command). `require`, because jest cannot run `import()`.
 */
export function loadCommon(): typeof import('@cluster-access/plugin-cluster-access-common') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@cluster-access/plugin-cluster-access-common');
}
