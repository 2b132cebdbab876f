import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import {
  chmod,
  mkdir,
  open,
  readFile,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';

const cachedCredentialSchema = z.object({
  version: z.literal(1),
  /** The backend that issued it, as `normalizeBackendUrl` wrote it. */
  backendUrl: z.string(),
  username: z.string(),
  groups: z.array(z.string()),
  serialNumber: z.string(),
  /** ISO 8601: when this machine received it. */
  issuedAt: z.string(),
  /** RFC 3339 NotAfter, exactly as it goes into the ExecCredential. */
  expiresAt: z.string(),
  keyType: z.enum(['ECDSA-P256', 'ECDSA-P384', 'RSA-2048']),
  /** The lifetime asked for, so that renewals ask for the same one. */
  ttlSeconds: z.number().int().positive().optional(),
  /** PEM client certificate followed by its intermediates. */
  clientCertificateData: z.string(),
  /** PEM private key; never leaves this machine except to kubectl. */
  clientKeyData: z.string(),
});

/**
 * A client certificate and its key as the credential cache keeps them.
 *
 * @public
 */
export type CachedCredential = z.infer<typeof cachedCredentialSchema>;

/**
 * What reading the cache found.
 *
 * @public
 */
export type CacheReadResult =
  | { state: 'missing' }
  | { state: 'invalid'; reason: string }
  | { state: 'ok'; credential: CachedCredential };

/**
 * The cache directory: `$XDG_CACHE_HOME/cluster-access`, or
 * `~/.cache/cluster-access` (the XDG default, also when `XDG_CACHE_HOME` is
 * not absolute, as the spec asks).
 *
 * @public
 */
export function cacheDirectory(options: {
  env: NodeJS.ProcessEnv;
  homeDirectory?: string;
}): string {
  const xdg = options.env.XDG_CACHE_HOME;
  const root =
    xdg && isAbsolute(xdg)
      ? xdg
      : join(options.homeDirectory ?? homedir(), '.cache');
  return join(root, 'cluster-access');
}

/**
 * The cache file of one backend: `<host>.json` in {@link cacheDirectory},
 * with the port after an underscore (`localhost_7007.json`) and anything
 * that is not safe in a file name replaced.
 *
 * @public
 */
export function credentialCachePath(options: {
  backendUrl: string;
  env: NodeJS.ProcessEnv;
  homeDirectory?: string;
}): string {
  const host = new URL(options.backendUrl).host.replace(/[^A-Za-z0-9.-]/g, '_');
  return join(cacheDirectory(options), `${host}.json`);
}

/**
 * Checks that the certificate, its key and the recorded expiry belong
 * together, so that a damaged or hand-edited cache is renewed instead of
 * handed to kubectl.
 */
function checkConsistency(credential: CachedCredential): string | undefined {
  let certificate: X509Certificate;
  try {
    // Node reads the first certificate of the bundle: the client's.
    certificate = new X509Certificate(credential.clientCertificateData);
  } catch {
    return 'the certificate does not parse';
  }
  try {
    if (
      !certificate.checkPrivateKey(createPrivateKey(credential.clientKeyData))
    ) {
      return 'the key does not belong to the certificate';
    }
  } catch {
    return 'the key does not parse';
  }
  if (Date.parse(certificate.validTo) !== Date.parse(credential.expiresAt)) {
    return 'the recorded expiry is not the certificate’s';
  }
  return undefined;
}

/**
 * Reads a cache file. A file that is missing is `missing`; one that does not
 * parse or whose parts do not belong together is `invalid` (with a reason
 * that never quotes its contents).
 *
 * @public
 */
export async function readCredentialCache(
  path: string,
): Promise<CacheReadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return { state: 'missing' };
    }
    return {
      state: 'invalid',
      reason: `cannot read it (${(e as NodeJS.ErrnoException).code})`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { state: 'invalid', reason: 'it is not JSON' };
  }
  const parsed = cachedCredentialSchema.safeParse(json);
  if (!parsed.success) {
    return { state: 'invalid', reason: 'it is not a credential cache' };
  }
  const problem = checkConsistency(parsed.data);
  if (problem) {
    return { state: 'invalid', reason: problem };
  }
  return { state: 'ok', credential: parsed.data };
}

/** Makes the cache directory, private to the user (0700) even if it existed. */
async function ensurePrivateDirectory(directory: string) {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const info = await stat(directory);
  if (!info.isDirectory()) {
    throw new Error(`${directory} is not a directory`);
  }
  if ((info.mode & 0o077) !== 0) {
    await chmod(directory, 0o700);
  }
}

/**
 * Writes a cache file atomically: a private (0600) temporary file next to it,
 * flushed, then renamed over it, so a reader (another kubectl) sees either
 * the old credential or the new one, never half of one.
 *
 * @public
 */
export async function writeCredentialCache(
  path: string,
  credential: CachedCredential,
): Promise<void> {
  const directory = dirname(path);
  await ensurePrivateDirectory(directory);
  const temporary = join(
    directory,
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const file = await open(temporary, 'wx', 0o600);
  try {
    try {
      await file.writeFile(`${JSON.stringify(credential, null, 2)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
}

/**
 * Options of {@link withCacheLock}.
 *
 * @public
 */
export interface CacheLockOptions {
  /** Give up waiting after this long; defaults to 20 s. */
  timeoutMs?: number;
  /** A lock older than this is left over from a crash; defaults to 60 s. */
  staleMs?: number;
  /** Told when the lock could not be had in time. */
  onTimeout?: () => void;
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [info, text] = await Promise.all([
      stat(lockPath),
      readFile(lockPath, 'utf8'),
    ]);
    const pid = Number(text.split(' ')[0]);
    return (
      Date.now() - info.mtimeMs > staleMs ||
      (Number.isInteger(pid) && pid > 0 && processIsGone(pid))
    );
  } catch {
    // Gone already (or not yet written): try again to take it.
    return false;
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Runs `fn` while holding `<path>.lock`, so that of several kubectl processes
 * that find the cached certificate near expiry at once, one renews it and the
 * others, having waited, find the renewed one. The lock is a file created
 * exclusively, holding `<pid> <random>`; one left by a dead process or older
 * than `staleMs` is taken over. If the lock cannot be had within `timeoutMs`,
 * `fn` runs anyway: the cache is written atomically, so the worst outcome is
 * one certificate more than needed, not a broken cache.
 *
 * @public
 */
export async function withCacheLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: CacheLockOptions = {},
): Promise<T> {
  const { timeoutMs = 20_000, staleMs = 60_000 } = options;
  const lockPath = `${path}.lock`;
  await ensurePrivateDirectory(dirname(path));
  const owner = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  let held = false;
  while (!held) {
    try {
      const file = await open(lockPath, 'wx', 0o600);
      try {
        await file.writeFile(owner);
      } finally {
        await file.close();
      }
      held = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await isStale(lockPath, staleMs)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        options.onTimeout?.();
        break;
      }
      await sleep(40 + Math.random() * 60);
    }
  }
  try {
    return await fn();
  } finally {
    if (held) {
      // Only our own lock: a waiter may have judged ours stale and replaced it.
      const current = await readFile(lockPath, 'utf8').catch(() => undefined);
      if (current === owner) {
        await rm(lockPath, { force: true });
      }
    }
  }
}
