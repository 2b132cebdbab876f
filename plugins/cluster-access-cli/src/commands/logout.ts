import { promises as fs } from 'node:fs';
import type { LogoutOptions } from '../args';
import {
  cacheDirectory,
  CachedCredential,
  credentialCachePath,
  readCredentialCache,
  withCacheLock,
} from '../cache';
import { ClusterAccessClient } from '../client';
import type { CliContext } from '../context';
import { backendFetch } from '../tls';
import { getBackstageToken, tokenSearchFrom } from '../token';
import { cachedPaths } from './status';

/** Revokes one cached certificate at the backend that issued it. */
async function revoke(
  credential: CachedCredential,
  options: LogoutOptions,
  context: CliContext,
): Promise<void> {
  const { backendUrl } = credential;
  const token = await getBackstageToken({
    backendUrl,
    tokenCommand: options.tokenCommand,
    env: context.env,
    searchFrom: tokenSearchFrom(context),
  });
  const client = new ClusterAccessClient({
    backendUrl,
    token,
    fetch: await backendFetch(options.certificateAuthority, context),
  });
  await client.revokeCertificate(credential.serialNumber);
}

/**
 * `cluster-access logout`: removes the cached certificate and key of one
 * backend (`--backend-url`) or of all (`--all`), first revoking each at its
 * backend with `--revoke`. A certificate that could not be revoked stays
 * cached, so that the user can try again, and the exit code is 1. Removing
 * what is not there succeeds, so logout can be run twice.
 *
 * @public
 */
export async function runLogout(
  options: LogoutOptions,
  context: CliContext,
): Promise<number> {
  const { stdout, stderr } = context;
  const where = {
    env: context.env,
    homeDirectory: context.homeDirectory,
    cwd: context.cwd,
  };
  const directory = cacheDirectory(where);
  const paths = options.backendUrl
    ? [credentialCachePath({ backendUrl: options.backendUrl, ...where })]
    : await cachedPaths(directory);
  if (paths.length === 0) {
    stdout.write(
      `No certificates cached in ${directory}: nothing to remove.\n`,
    );
    return 0;
  }
  let failed = false;
  for (const path of paths) {
    const cache = await readCredentialCache(path);
    if (cache.state === 'missing') {
      stdout.write(`No certificate cached in ${path}: nothing to remove.\n`);
      continue;
    }
    const credential = cache.state === 'ok' ? cache.credential : undefined;
    let revoked = false;
    if (options.revoke && credential) {
      try {
        await revoke(credential, options, context);
        revoked = true;
      } catch (e) {
        stderr.write(
          `cluster-access: could not revoke certificate ${
            credential.serialNumber
          }: ${(e as Error).message}\ncluster-access: kept ${path}\n`,
        );
        failed = true;
        continue;
      }
    }
    // Under the cache lock, so that a renewal in progress is not undone
    // half-way; a kubectl call after this one signs in again.
    await withCacheLock(path, () => fs.rm(path, { force: true }), {
      timeoutMs: 5_000,
    });
    if (!credential) {
      stdout.write(`Removed ${path}, which could not be used.\n`);
      continue;
    }
    stdout.write(
      `Removed the certificate of ${credential.username} for ${
        credential.backendUrl
      } (serial ${credential.serialNumber}) and its key from ${path}.\n${
        revoked
          ? 'It is revoked.'
          : `It stays valid until ${credential.expiresAt}; to revoke it, use --revoke or the portal's Get cluster access page.`
      }\n`,
    );
  }
  return failed ? 1 : 0;
}
