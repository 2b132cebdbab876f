const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * A TTL as people say it: `15 minutes`, `8 hours`, `1 day`, or a mix such
 * as `1 day 12 hours` when it is not a whole number of the larger unit.
 */
export function formatTtl(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(seconds));
  for (const [size, unit] of [
    [DAY, 'day'],
    [HOUR, 'hour'],
    [MINUTE, 'minute'],
  ] as const) {
    if (rest >= size) {
      parts.push(plural(Math.floor(rest / size), unit));
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(plural(rest, 'second'));
  return parts.join(' ');
}

/**
 * Time left until `expiresAt`, compact and rounded down to what matters:
 * `2d 3h`, `7h 59m`, `12m`, `less than a minute`; undefined once expired.
 */
export function formatTimeLeft(
  expiresAt: string,
  now: number,
): string | undefined {
  const seconds = Math.floor((Date.parse(expiresAt) - now) / 1000);
  if (!(seconds > 0)) return undefined;
  const days = Math.floor(seconds / DAY);
  const hours = Math.floor((seconds % DAY) / HOUR);
  const minutes = Math.floor((seconds % HOUR) / MINUTE);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m`;
  return 'less than a minute';
}

const TTL_CHOICES = [
  15 * MINUTE,
  HOUR,
  4 * HOUR,
  8 * HOUR,
  12 * HOUR,
  DAY,
  3 * DAY,
  7 * DAY,
  30 * DAY,
];

/**
 * The TTLs offered to the user: the usual choices up to the cap, plus the
 * default and the cap themselves so that both can always be picked, sorted.
 */
export function ttlOptions(options: {
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
}): number[] {
  const { maxTtlSeconds } = options;
  const defaultTtl = Math.min(options.defaultTtlSeconds, maxTtlSeconds);
  const choices = new Set(TTL_CHOICES.filter(t => t <= maxTtlSeconds));
  choices.add(defaultTtl);
  choices.add(maxTtlSeconds);
  return [...choices].filter(t => t > 0).sort((a, b) => a - b);
}
