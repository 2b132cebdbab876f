import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest directory up from here with scripts/start-all.js. */
function findRepoRoot(): string {
  let dir = process.cwd();
  while (!fs.existsSync(path.join(dir, 'scripts', 'start-all.js'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error('Run the browser tests from inside the repository');
    }
    dir = parent;
  }
  return dir;
}

const repoRoot = findRepoRoot();

/** Where the demo portal serves the app and the backend. */
export const APP_URL = 'http://localhost:3000';
export const BACKEND_URL = 'http://localhost:7007';

async function waitFor(
  url: string,
  deadline: number,
  child: ChildProcess,
  headers: Record<string, string> = {},
) {
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The portal exited early with code ${child.exitCode}`);
    }
    try {
      const res = await fetch(url, { headers });
      if (res.ok) return;
      lastError = new Error(`${url} answered ${res.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`Timed out waiting for ${url}: ${String(lastError)}`);
}

/**
 * The demo binds fixed ports, and Jest runs test files in parallel workers:
 * each file holds this lock (a directory, made atomically) while its portal
 * runs, so the files take turns. A lock whose holder has died is taken over.
 */
const LOCK_DIR = path.join(repoRoot, '.sandbox', 'e2e-portal.lock');

function holderAlive(): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function acquirePortalLock(timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  fs.mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      fs.writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      return () => fs.rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // A holder that has not yet written its pid is alive: give it a moment.
    const stat = fs.statSync(LOCK_DIR, { throwIfNoEntry: false });
    const age = stat ? Date.now() - stat.mtimeMs : Infinity;
    if (age > 5_000 && !holderAlive()) {
      fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Another test file kept the demo portal for ${timeoutMs} ms`,
      );
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

/**
 * Starts the whole demo exactly as README's start command does
 * (scripts/start-all.js: local Vault/Kubernetes peers, backend and app) and
 * waits until the app and the backend answer.
 */
export async function startPortal(options: { timeoutMs?: number } = {}) {
  const release = await acquirePortalLock(20 * 60_000);
  const logs: string[] = [];
  // Jest sets NODE_ENV=test; the portal must run as `start` runs it, in
  // development (the sample-user sign-in and the app's browserslist need it).
  const { NODE_ENV: _ignored, ...env } = process.env;
  // Each run gets a fresh demo database of its own, removed at the end.
  const dataDir = path.join(repoRoot, '.sandbox', `e2e-db-${process.pid}`);
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'scripts/start-all.js')],
    {
      cwd: repoRoot,
      env: { ...env, CLUSTER_ACCESS_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const keep = (chunk: Buffer) => {
    logs.push(chunk.toString());
    if (logs.length > 400) logs.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  const stop = async () => {
    if (child.exitCode === null) {
      // The portal runs several processes; stop the whole group.
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise(r => setTimeout(r, 1000));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    release();
  };

  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  try {
    await waitFor(`${BACKEND_URL}/api/cluster-access/health`, deadline, child);
    await waitFor(APP_URL, deadline, child);
    // A fresh database starts with an empty catalog: wait until the sample
    // users have been ingested, i.e. until a sample user can sign in.
    await waitFor(
      `${BACKEND_URL}/api/auth/sample-users/refresh`,
      deadline,
      child,
      {
        'x-cluster-access-sample-user': 'alice',
      },
    );
  } catch (error) {
    await stop();
    throw new Error(
      `${String(error)}\n--- portal output ---\n${logs.join('')}`,
    );
  }
  return { stop, logs };
}
