import type { CredentialOptions } from '../args';
import {
  CacheReadResult,
  CachedCredential,
  credentialCachePath,
  readCredentialCache,
  withCacheLock,
  writeCredentialCache,
} from '../cache';
import type { CliContext } from '../context';
import { formatDuration } from '../duration';
import { CliError } from '../errors';
import {
  formatExecCredential,
  readExecInfo,
  renewalReason,
} from '../execCredential';
import { issueCredential } from '../issue';
import { backendFetch } from '../tls';
import { getBackstageToken, tokenSearchFrom } from '../token';

/**
 * A failed renewal still hands out the cached certificate if it has at least
 * this long left, so that a Vault or Backstage outage does not stop kubectl
 * while the certificate still works.
 */
const FALLBACK_MIN_SECONDS = 30;

/**
 * `cluster-access credential`: the kubectl exec-credential plugin. Prints
 * the cached certificate while it is fresh enough; otherwise renews it under
 * the cache lock (re-reading the cache first, since another kubectl may have
 * just renewed it) with a new key pair, caches it, and prints it.
 *
 * @public
 */
// One sequence kubectl waits on (cache, lock, re-read, renew, print), kept
// in one place so its order is visible (exception to the 80-line rule).
// eslint-disable-next-line max-lines-per-function
export async function runCredential(
  options: CredentialOptions,
  context: CliContext,
): Promise<void> {
  const { backendUrl, minRemainingSeconds } = options;
  const { env, stdout, stderr } = context;
  const now = context.now ?? Date.now;
  const { apiVersion } = readExecInfo(env);
  const path = credentialCachePath({
    backendUrl,
    env,
    homeDirectory: context.homeDirectory,
    cwd: context.cwd,
  });
  const reason = (cache: CacheReadResult) =>
    renewalReason({ cache, backendUrl, minRemainingSeconds, now: now() });
  const print = (credential: CachedCredential) =>
    stdout.write(formatExecCredential({ credential, apiVersion }));

  const cached = await readCredentialCache(path);
  if (cached.state === 'ok' && !reason(cached)) {
    print(cached.credential);
    return;
  }

  const { credential, renewed } = await withCacheLock(
    path,
    async () => {
      const current = await readCredentialCache(path);
      if (current.state === 'ok' && !reason(current)) {
        return { credential: current.credential, renewed: false };
      }
      const previous =
        current.state === 'ok' && current.credential.backendUrl === backendUrl
          ? current.credential
          : undefined;
      try {
        const token = await getBackstageToken({
          backendUrl,
          tokenCommand: options.tokenCommand,
          env,
          searchFrom: tokenSearchFrom(context),
        });
        const issued = await issueCredential({
          backendUrl,
          token,
          ttlSeconds: options.ttlSeconds ?? previous?.ttlSeconds,
          keyType: options.keyType ?? previous?.keyType,
          fetch: await backendFetch(options.certificateAuthority, context),
          now,
        });
        await writeCredentialCache(path, issued.credential);
        return { credential: issued.credential, renewed: true };
      } catch (e) {
        const left = previous
          ? Math.floor((Date.parse(previous.expiresAt) - now()) / 1000)
          : 0;
        if (!previous || left < FALLBACK_MIN_SECONDS) throw e;
        stderr.write(
          `cluster-access: could not renew the certificate: ${
            (e as Error).message
          }\ncluster-access: using the cached one, valid for ${formatDuration(
            left,
          )} more\n`,
        );
        return { credential: previous, renewed: false };
      }
    },
    {
      onTimeout: () =>
        stderr.write(
          `cluster-access: ${path}.lock is held for too long; renewing without it\n`,
        ),
    },
  );

  const lifetime = Math.floor(
    (Date.parse(credential.expiresAt) - now()) / 1000,
  );
  if (renewed && lifetime <= 0) {
    throw new CliError(
      'The new certificate has already expired: is this machine’s clock right?',
    );
  }
  if (renewed && lifetime < minRemainingSeconds) {
    stderr.write(
      `cluster-access: the certificate is valid for ${formatDuration(
        lifetime,
      )}, less than --min-remaining ${formatDuration(
        minRemainingSeconds,
      )}, so every kubectl call will get a new one; use a longer --ttl or a shorter --min-remaining\n`,
    );
  }
  print(credential);
}
