import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { StatusOptions } from '../args';
import {
  cacheDirectory,
  CacheReadResult,
  credentialCachePath,
  readCredentialCache,
} from '../cache';
import type { CliContext } from '../context';
import { formatDuration } from '../duration';

/**
 * Every cache file in the directory: `<host>.json`, not the temporary files
 * of a write in progress (which start with a dot).
 *
 * @public
 */
export async function cachedPaths(directory: string): Promise<string[]> {
  const names = await fs.readdir(directory).catch(() => [] as string[]);
  return names
    .filter(name => name.endsWith('.json') && !name.startsWith('.'))
    .sort()
    .map(name => join(directory, name));
}

/** Time left, to the minute once it is more than an hour. */
function timeLeft(seconds: number): string {
  return formatDuration(seconds >= 3600 ? seconds - (seconds % 60) : seconds);
}

function describe(options: {
  path: string;
  cache: CacheReadResult;
  now: number;
}): { text: string; valid: boolean } {
  const { path, cache, now } = options;
  if (cache.state === 'missing') {
    return { text: `No certificate cached (${path}).\n`, valid: false };
  }
  if (cache.state === 'invalid') {
    return {
      text: `${path}: cannot be used (${cache.reason}); the next 'cluster-access credential' replaces it.\n`,
      valid: false,
    };
  }
  const { credential } = cache;
  const left = Math.floor((Date.parse(credential.expiresAt) - now) / 1000);
  const rows = [
    `${credential.backendUrl}`,
    `  user:    ${credential.username}`,
    `  groups:  ${credential.groups.join(', ') || '(none)'}`,
    `  serial:  ${credential.serialNumber}`,
    `  expires: ${credential.expiresAt} (${
      left > 0 ? `${timeLeft(left)} left` : `expired ${timeLeft(-left)} ago`
    })`,
    `  key:     ${credential.keyType}, made on this machine`,
    `  cache:   ${path}`,
  ];
  return { text: `${rows.join('\n')}\n`, valid: left > 0 };
}

/**
 * One cache file in `status -o json`. Never the certificate or the key.
 *
 * @public
 */
export interface StatusEntry {
  cachePath: string;
  /** `valid` until NotAfter, then `expired`; `invalid` when unusable. */
  state: 'valid' | 'expired' | 'invalid' | 'missing';
  /** Why an `invalid` file cannot be used. */
  reason?: string;
  backendUrl?: string;
  username?: string;
  groups?: string[];
  serialNumber?: string;
  issuedAt?: string;
  expiresAt?: string;
  /** Negative once expired. */
  secondsLeft?: number;
  keyType?: string;
}

function entry(path: string, cache: CacheReadResult, now: number): StatusEntry {
  if (cache.state !== 'ok') {
    return {
      cachePath: path,
      state: cache.state,
      ...(cache.state === 'invalid' ? { reason: cache.reason } : {}),
    };
  }
  const { credential } = cache;
  const secondsLeft = Math.floor(
    (Date.parse(credential.expiresAt) - now) / 1000,
  );
  return {
    cachePath: path,
    state: secondsLeft > 0 ? 'valid' : 'expired',
    backendUrl: credential.backendUrl,
    username: credential.username,
    groups: credential.groups,
    serialNumber: credential.serialNumber,
    issuedAt: credential.issuedAt,
    expiresAt: credential.expiresAt,
    secondsLeft,
    keyType: credential.keyType,
  };
}

/**
 * `cluster-access status`: what the credential cache holds, for one backend
 * or all of them, without calling anything, as text or (`-o json`) as
 * `{ cacheDirectory, credentials: StatusEntry[] }`. Returns the exit code:
 * 0 when there is at least one certificate that has not expired, else 1.
 *
 * @public
 */
export async function runStatus(
  options: StatusOptions,
  context: CliContext,
): Promise<number> {
  const { env, stdout } = context;
  const now = (context.now ?? Date.now)();
  const where = { env, homeDirectory: context.homeDirectory, cwd: context.cwd };
  const directory = cacheDirectory(where);
  const paths = options.backendUrl
    ? [credentialCachePath({ backendUrl: options.backendUrl, ...where })]
    : await cachedPaths(directory);
  if (options.output === 'json') {
    const credentials: StatusEntry[] = [];
    for (const path of paths) {
      credentials.push(entry(path, await readCredentialCache(path), now));
    }
    stdout.write(
      `${JSON.stringify(
        { cacheDirectory: directory, credentials },
        null,
        2,
      )}\n`,
    );
    return credentials.some(c => c.state === 'valid') ? 0 : 1;
  }
  if (paths.length === 0) {
    stdout.write(
      `No certificates cached in ${directory}. Get one with: cluster-access login --backend-url URL\n`,
    );
    return 1;
  }
  let anyValid = false;
  const texts: string[] = [];
  for (const path of paths) {
    const { text, valid } = describe({
      path,
      cache: await readCredentialCache(path),
      now,
    });
    texts.push(text);
    anyValid ||= valid;
  }
  stdout.write(texts.join('\n'));
  return anyValid ? 0 : 1;
}
