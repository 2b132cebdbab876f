import { createPrivateKey, X509Certificate } from 'node:crypto';
// fs.promises is loaded on first use; a cache hit reads its one file with
// the callback API instead, saving kubectl the load (see ./libraries).
import { promises as fs, readFile } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { acquireFileLock, FileLockOptions, writeFileAtomic } from './files';

/**
 * A client certificate and its key as the credential cache keeps them.
 *
 * @public
 */
export interface CachedCredential {
  version: 1;
  /** The backend that issued it, as `normalizeBackendUrl` wrote it. */
  backendUrl: string;
  username: string;
  groups: string[];
  serialNumber: string;
  /** ISO 8601: when this machine received it. */
  issuedAt: string;
  /** RFC 3339 NotAfter, exactly as it goes into the ExecCredential. */
  expiresAt: string;
  keyType: 'ECDSA-P256' | 'ECDSA-P384' | 'RSA-2048';
  /** The lifetime asked for, so that renewals ask for the same one. */
  ttlSeconds?: number;
  /** PEM client certificate followed by its intermediates. */
  clientCertificateData: string;
  /** PEM private key; never leaves this machine except to kubectl. */
  clientKeyData: string;
}

const stringFields = [
  'backendUrl',
  'username',
  'serialNumber',
  'issuedAt',
  'expiresAt',
  'clientCertificateData',
  'clientKeyData',
] as const;

const keyTypes: ReadonlyArray<unknown> = [
  'ECDSA-P256',
  'ECDSA-P384',
  'RSA-2048',
];

/**
 * The cache file's shape, checked by hand rather than with a schema library:
 * kubectl starts this plugin for every command, and loading zod alone cost
 * more than the rest of a cache hit. Only the known fields are kept.
 */
function asCachedCredential(json: unknown): CachedCredential | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return undefined;
  }
  const value = json as Record<string, unknown>;
  if (value.version !== 1) return undefined;
  if (stringFields.some(field => typeof value[field] !== 'string')) {
    return undefined;
  }
  const { groups, keyType, ttlSeconds } = value;
  if (!Array.isArray(groups) || groups.some(g => typeof g !== 'string')) {
    return undefined;
  }
  if (!keyTypes.includes(keyType)) return undefined;
  if (
    'ttlSeconds' in value &&
    !(Number.isSafeInteger(ttlSeconds) && (ttlSeconds as number) > 0)
  ) {
    return undefined;
  }
  const credential = { version: 1 } as CachedCredential;
  for (const field of stringFields) {
    credential[field] = value[field] as string;
  }
  credential.groups = [...(groups as string[])];
  credential.keyType = keyType as CachedCredential['keyType'];
  if ('ttlSeconds' in value) credential.ttlSeconds = ttlSeconds as number;
  return credential;
}

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
 * The cache directory: `cluster-access` in kubectl's cache directory, which
 * is `$KUBECACHEDIR` when set, else `~/.kube/cache` (where kubectl keeps its
 * discovery cache and kubelogin its tokens). A relative `KUBECACHEDIR` is
 * taken from the working directory, as kubectl does; a leading `~/` is the
 * home directory.
 *
 * @public
 */
export function cacheDirectory(options: {
  env: NodeJS.ProcessEnv;
  homeDirectory?: string;
  cwd?: string;
}): string {
  const home = options.homeDirectory ?? homedir();
  const configured = options.env.KUBECACHEDIR;
  let root: string;
  if (!configured) {
    root = join(home, '.kube', 'cache');
  } else if (configured === '~' || /^~[\\/]/.test(configured)) {
    root = join(home, configured.slice(1));
  } else {
    root = resolve(options.cwd ?? process.cwd(), configured);
  }
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
  cwd?: string;
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
    text = await promisify(readFile)(path, 'utf8');
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
  const credential = asCachedCredential(json);
  if (!credential) {
    return { state: 'invalid', reason: 'it is not a credential cache' };
  }
  const problem = checkConsistency(credential);
  if (problem) {
    return { state: 'invalid', reason: problem };
  }
  return { state: 'ok', credential };
}

/** Makes the cache directory, private to the user (0700) even if it existed. */
async function ensurePrivateDirectory(directory: string) {
  await fs.mkdir(directory, { recursive: true, mode: 0o700 });
  const info = await fs.stat(directory);
  if (!info.isDirectory()) {
    throw new Error(`${directory} is not a directory`);
  }
  if ((info.mode & 0o077) !== 0) {
    await fs.chmod(directory, 0o700);
  }
}

/**
 * Writes a cache file atomically ({@link writeFileAtomic}, mode 0600) in a
 * private directory, so a reader (another kubectl) sees either the old
 * credential or the new one, never half of one.
 *
 * @public
 */
export async function writeCredentialCache(
  path: string,
  credential: CachedCredential,
): Promise<void> {
  await ensurePrivateDirectory(dirname(path));
  await writeFileAtomic(path, `${JSON.stringify(credential, null, 2)}\n`);
}

/**
 * Options of {@link withCacheLock}.
 *
 * @public
 */
export interface CacheLockOptions extends FileLockOptions {
  /** Told when the lock could not be had in time. */
  onTimeout?: () => void;
}

/**
 * Runs `fn` while holding `<path>.lock` ({@link acquireFileLock}), so that of
 * several kubectl processes that find the cached certificate near expiry at
 * once, one renews it and the others, having waited, find the renewed one.
 * If the lock cannot be had within `timeoutMs`, `fn` runs anyway: the cache
 * is written atomically, so the worst outcome is one certificate more than
 * needed, not a broken cache.
 *
 * @public
 */
export async function withCacheLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: CacheLockOptions = {},
): Promise<T> {
  await ensurePrivateDirectory(dirname(path));
  const release = await acquireFileLock(`${path}.lock`, options);
  if (!release) options.onTimeout?.();
  try {
    return await fn();
  } finally {
    await release?.();
  }
}
