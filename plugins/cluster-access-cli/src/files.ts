import { randomBytes } from 'node:crypto';
// `promises` rather than node:fs/promises: the getter loads it on first use,
// which a `credential` cache hit never makes (see ./libraries).
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file atomically: a private temporary file next to it, flushed,
 * then renamed over it, so a reader sees either the old content or the new,
 * never half of it, and a crash leaves at most a stray temporary file. The
 * file gets `mode` (default 0600) whatever the old one had, because it may
 * hold a private key. The directory must exist.
 *
 * @public
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  options: { mode?: number } = {},
): Promise<void> {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const file = await fs.open(temporary, 'wx', options.mode ?? 0o600);
  try {
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temporary, path);
  } catch (e) {
    await fs.rm(temporary, { force: true });
    throw e;
  }
}

/** Whether a path exists; errors other than "not found" are thrown. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * Options of {@link acquireFileLock}.
 *
 * @public
 */
export interface FileLockOptions {
  /** Give up waiting after this long; defaults to 20 s. */
  timeoutMs?: number;
  /** A lock older than this is left over from a crash; defaults to 60 s. */
  staleMs?: number;
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
      fs.stat(lockPath),
      fs.readFile(lockPath, 'utf8'),
    ]);
    // kubectl's own locks are empty: only their age tells.
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
 * Takes the lock file `lockPath`, created exclusively and holding
 * `<pid> <random>` (kubectl's `<kubeconfig>.lock` is the same kind of lock,
 * empty). A lock left by a dead process or older than `staleMs` is taken
 * over. Resolves to a function that releases the lock, or to `undefined`
 * when it could not be had within `timeoutMs`; the caller decides whether to
 * go on without it.
 *
 * @public
 */
export async function acquireFileLock(
  lockPath: string,
  options: FileLockOptions = {},
): Promise<(() => Promise<void>) | undefined> {
  const { timeoutMs = 20_000, staleMs = 60_000 } = options;
  const owner = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const file = await fs.open(lockPath, 'wx', 0o600);
      try {
        await file.writeFile(owner);
      } finally {
        await file.close();
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await isStale(lockPath, staleMs)) {
        await fs.rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() >= deadline) return undefined;
      await sleep(40 + Math.random() * 60);
    }
  }
  return async () => {
    // Only our own lock: a waiter may have judged ours stale and replaced it.
    const current = await fs.readFile(lockPath, 'utf8').catch(() => undefined);
    if (current === owner) {
      await fs.rm(lockPath, { force: true });
    }
  };
}
