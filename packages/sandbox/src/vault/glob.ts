/** `ryanuber/go-glob` semantics, which Vault uses for role globs: `*` matches any run of characters. */
export function globMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return regex.test(value);
}
