/**
 * Waits for an `import()` of one of this package's modules, which the CLI
 * loads only when a command needs them (kubectl starts `credential` for every
 * command, and a cache hit should not wait for what renewing needs).
 *
 * Built (rollup) and under jest, `import()` becomes `require` and resolves to
 * the module's exports. In this repository the bin runs the TypeScript
 * sources through Backstage's Node transform, where Node's ESM loader hands
 * a CommonJS module over as `default` only (it cannot see the transpiled
 * exports); none of these modules has a default export of its own.
 */
export async function loaded<T extends object>(
  loading: Promise<T>,
): Promise<T> {
  const module = await loading;
  const inner = (module as { default?: unknown }).default;
  if (
    typeof inner === 'object' &&
    inner !== null &&
    (inner as { __esModule?: unknown }).__esModule === true
  ) {
    return inner as T;
  }
  return module;
}
