import { readdir } from 'node:fs/promises';
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
 * `cluster-access status`: what the credential cache holds, for one backend
 * or all of them, without calling anything. Returns the exit code: 0 when
 * there is at least one certificate that has not expired, else 1.
 *
 * @public
 */
export async function runStatus(
  options: StatusOptions,
  context: CliContext,
): Promise<number> {
  const { env, stdout } = context;
  const now = (context.now ?? Date.now)();
  const homeDirectory = context.homeDirectory;
  let paths: string[];
  if (options.backendUrl) {
    paths = [
      credentialCachePath({
        backendUrl: options.backendUrl,
        env,
        homeDirectory,
      }),
    ];
  } else {
    const directory = cacheDirectory({ env, homeDirectory });
    const names = await readdir(directory).catch(() => [] as string[]);
    paths = names
      .filter(name => name.endsWith('.json') && !name.startsWith('.'))
      .sort()
      .map(name => join(directory, name));
    if (paths.length === 0) {
      stdout.write(
        `No certificates cached in ${directory}. Get one with: cluster-access login --backend-url URL\n`,
      );
      return 1;
    }
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
