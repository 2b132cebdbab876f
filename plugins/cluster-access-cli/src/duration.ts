const units: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };

/**
 * Parses a duration as people type it on a command line: `90s`, `15m`, `8h`,
 * `1d`, combinations in that order such as `1h30m`, or a bare number of
 * seconds. Returns whole seconds.
 *
 * @public
 */
export function parseDuration(text: string): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) {
    return Number(value);
  }
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!value || !match) {
    throw new Error(
      `'${text}' is not a duration (examples: 90s, 15m, 8h, 1h30m, 1d)`,
    );
  }
  const [, d, h, m, s] = match;
  return [
    [d, units.d],
    [h, units.h],
    [m, units.m],
    [s, units.s],
  ].reduce((total, [n, size]) => total + Number(n ?? 0) * Number(size), 0);
}

/**
 * A duration in the form {@link parseDuration} reads, largest units first:
 * `8h`, `1h30m`, `45s`, `0s`.
 *
 * @public
 */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.floor(seconds));
  let text = '';
  for (const [unit, size] of Object.entries(units)) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text || '0s';
}
