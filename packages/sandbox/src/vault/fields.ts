import { badRequest } from './errors';

/**
 * Request field parsing with the leniency of Vault's `framework.FieldData`: Vault accepts
 * `"true"` for booleans, `"1h"` or `3600` for durations and `"a,b"` or `["a","b"]` for
 * comma-string slices, and so must a faithful peer.
 */

export type Body = Record<string, unknown>;

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

function conversionError(value: unknown, field: string, reason: string) {
  return badRequest(
    `error converting input ${String(value)} for field "${field}": ${reason}`,
  );
}

/**
 * Parses a Vault duration (`TypeDurationSecond`): an integer number of seconds, a numeric
 * string, or a Go duration string such as `1h30m` (Vault also accepts a `d` suffix).
 * Returns whole seconds.
 */
export function parseDurationSeconds(value: unknown, field: string): number {
  if (value === undefined || value === null || value === '') {
    return 0;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw conversionError(value, field, 'not a finite number');
    }
    return Math.trunc(value);
  }
  if (typeof value !== 'string') {
    throw conversionError(value, field, 'unsupported type');
  }
  const text = value.trim();
  if (/^-?\d+$/.test(text)) {
    return parseInt(text, 10);
  }
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  re.lastIndex = 0;
  for (let match = re.exec(body); match; match = re.exec(body)) {
    total += parseFloat(match[1]) * UNIT_SECONDS[match[2]];
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== body.length) {
    throw conversionError(value, field, `time: invalid duration "${value}"`);
  }
  return Math.trunc(negative ? -total : total);
}

/**
 * Formats seconds like Go's `time.Duration.String()` (`768h0m0s`, `1m30s`, `45s`), which is
 * what Vault interpolates into warnings such as the PKI TTL clamp message.
 */
export function formatGoDuration(totalSeconds: number): string {
  if (totalSeconds === 0) {
    return '0s';
  }
  const negative = totalSeconds < 0;
  let rest = Math.abs(totalSeconds);
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  rest -= minutes * 60;
  const seconds = Number(rest.toFixed(9)).toString();
  let text: string;
  if (hours > 0) {
    text = `${hours}h${minutes}m${seconds}s`;
  } else if (minutes > 0) {
    text = `${minutes}m${seconds}s`;
  } else {
    text = `${seconds}s`;
  }
  return negative ? `-${text}` : text;
}

/** A `TypeString` field. Numbers and booleans are converted like Vault's weak decoding does. */
export function getString(body: Body, key: string, fallback = ''): string {
  const value = body[key];
  if (value === undefined || value === null) {
    return fallback;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw conversionError(JSON.stringify(value), key, 'expected a string');
}

/** A `TypeBool` field, accepting JSON booleans and the strings/numbers Go's strconv accepts. */
export function getBool(body: Body, key: string, fallback: boolean): boolean {
  const value = body[key];
  if (value === undefined || value === null || value === '') {
    return fallback;
  }
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    return value !== 0;
  }
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (['1', 't', 'true'].includes(lower)) {
      return true;
    }
    if (['0', 'f', 'false'].includes(lower)) {
      return false;
    }
  }
  throw conversionError(value, key, 'cannot parse as bool');
}

/** A `TypeInt` field. */
export function getInt(body: Body, key: string, fallback: number): number {
  const value = body[key];
  if (value === undefined || value === null || value === '') {
    return fallback;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return Math.trunc(value);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) {
    return parseInt(value.trim(), 10);
  }
  throw conversionError(value, key, 'cannot parse as int');
}

/** A `TypeDurationSecond` field, in whole seconds. */
export function getDuration(body: Body, key: string, fallback: number): number {
  const value = body[key];
  if (value === undefined || value === null || value === '') {
    return fallback;
  }
  return parseDurationSeconds(value, key);
}

/** True when the request carried the field at all (Vault's `GetOk`). */
export function has(body: Body, key: string): boolean {
  return body[key] !== undefined && body[key] !== null;
}

/**
 * A `TypeCommaStringSlice` field: a JSON list, or a comma-separated string. Blank items are
 * dropped and items trimmed, like Vault's `strutil.ParseDedupAndSortStrings` minus the sort.
 */
export function getList(
  body: Body,
  key: string,
  fallback: string[] = [],
): string[] {
  const value = body[key];
  if (value === undefined || value === null) {
    return fallback;
  }
  let items: unknown[];
  if (Array.isArray(value)) {
    items = value;
  } else if (typeof value === 'string') {
    items = value.split(',');
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    items = [String(value)];
  } else {
    throw conversionError(
      JSON.stringify(value),
      key,
      'expected a list of strings',
    );
  }
  return items
    .map(item => {
      if (typeof item === 'string') return item.trim();
      if (typeof item === 'number' || typeof item === 'boolean')
        return String(item);
      throw conversionError(
        JSON.stringify(value),
        key,
        'expected a list of strings',
      );
    })
    .filter(item => item !== '');
}

/** A `TypeKVPairs` field: a JSON object of strings, or a list of `key=value` strings. */
export function getKvPairs(
  body: Body,
  key: string,
): Record<string, string> | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  const result: Record<string, string> = {};
  if (Array.isArray(value) || typeof value === 'string') {
    const items = Array.isArray(value) ? value : value.split(',');
    for (const item of items) {
      if (typeof item !== 'string' || !item.includes('=')) {
        throw badRequest(
          `failed to parse metadata: invalid key/value pair ${JSON.stringify(
            item,
          )}`,
        );
      }
      const index = item.indexOf('=');
      result[item.slice(0, index).trim()] = item.slice(index + 1).trim();
    }
    return result;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      result[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return result;
  }
  throw conversionError(value, key, 'expected key/value pairs');
}

/** Lower-cased, de-duplicated and sorted, like Vault's `policyutil.SanitizePolicies` without `default`. */
export function sortedUnique(items: string[]): string[] {
  return Array.from(new Set(items)).sort();
}
