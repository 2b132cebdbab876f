import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialCachePath, writeCredentialCache } from './cache';
import { runTestCli, TEST_TOKEN } from './__testUtils__/cli';
import { makeCachedCredential } from './__testUtils__/credentials';
import {
  backstageError,
  json,
  startFakeBackend,
} from './__testUtils__/fakeBackend';

// Key generation, TLS and signing on a loaded 2-core machine.
jest.setTimeout(30_000);

type Backend = Awaited<ReturnType<typeof startFakeBackend>>;
let backends: Backend[] = [];
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-access-logout-'));
});
afterEach(async () => {
  await Promise.all(backends.map(b => b.close()));
  backends = [];
  rmSync(dir, { recursive: true, force: true });
});

// The cache in kubectl's place under this home, KUBECACHEDIR unset.
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runTestCli({ args, dir, env });

/**
 * A backend with one cached certificate, whose revocation it answers with
 * `revokeStatus`.
 */
async function cachedAt(revokeStatus: number, ttlSeconds = 3600) {
  const routes: Parameters<typeof startFakeBackend>[0] = {};
  const backend = await startFakeBackend(routes);
  backends.push(backend);
  const credential = await makeCachedCredential({
    backendUrl: backend.url,
    ttlSeconds,
  });
  const serial = credential.serialNumber;
  routes[`POST /certificates/${serial}/revoke`] = (_r, res) =>
    revokeStatus === 200
      ? json(res, 200, { serialNumber: serial, revokedAt: 'now' })
      : backstageError(res, 503, 'ServiceUnavailableError', 'Vault is sealed');
  const path = credentialCachePath({
    backendUrl: backend.url,
    env: {},
    homeDirectory: dir,
  });
  await writeCredentialCache(path, credential);
  return { backend, credential, path, serial, url: backend.url };
}

describe('cluster-access logout', () => {
  it('removes the cached certificate and key of one backend, under ~/.kube/cache, and can run twice', async () => {
    const one = await cachedAt(200);
    const two = await cachedAt(200);
    expect(one.path).toBe(
      join(dir, '.kube', 'cache', 'cluster-access', one.path.split('/').pop()!),
    );
    const result = await cli(['logout', '--backend-url', one.url]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: `Removed the certificate of alice for ${one.url} (serial ${one.serial}) and its key from ${one.path}.\nIt stays valid until ${one.credential.expiresAt}; to revoke it, use --revoke or the portal's Get cluster access page.\n`,
    });
    expect(existsSync(one.path)).toBe(false);
    expect(existsSync(two.path)).toBe(true);
    // Nothing called: removing needs no sign-in.
    expect(one.backend.seen).toEqual([]);

    expect(await cli(['logout', '--backend-url', one.url])).toEqual({
      code: 0,
      stderr: '',
      stdout: `No certificate cached in ${one.path}: nothing to remove.\n`,
    });
  });

  it('removes every cached certificate with --all, including files it cannot use', async () => {
    const one = await cachedAt(200);
    const two = await cachedAt(200);
    const broken = join(dir, '.kube', 'cache', 'cluster-access', 'x.json');
    writeFileSync(broken, 'garbage');
    const result = await cli(['logout', '--all']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Removed ${broken}, which could not be used.\n`,
    );
    for (const path of [one.path, two.path, broken]) {
      expect(existsSync(path)).toBe(false);
    }
    expect((await cli(['logout', '--all'])).stdout).toBe(
      `No certificates cached in ${join(
        dir,
        '.kube',
        'cache',
        'cluster-access',
      )}: nothing to remove.\n`,
    );
    expect((await cli(['status'])).code).toBe(1);
  });

  it('revokes each certificate at its backend with --revoke, and keeps one that could not be revoked', async () => {
    const revoked = await cachedAt(200);
    const refused = await cachedAt(503);
    const result = await cli(['logout', '--all', '--revoke']);
    expect(result.code).toBe(1);
    expect(revoked.backend.seen).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `/certificates/${revoked.serial}/revoke`,
        authorization: `Bearer ${TEST_TOKEN}`,
      }),
    ]);
    expect(result.stdout).toContain(
      `(serial ${revoked.serial}) and its key from ${revoked.path}.\nIt is revoked.\n`,
    );
    expect(existsSync(revoked.path)).toBe(false);
    expect(result.stderr).toBe(
      `cluster-access: could not revoke certificate ${refused.serial}: Vault is unavailable, so no certificate can be issued right now (503) (Vault is sealed). Try again in a few minutes.\ncluster-access: kept ${refused.path}\n`,
    );
    expect(existsSync(refused.path)).toBe(true);
  });

  it('needs --backend-url or --all', async () => {
    const result = await cli(['logout']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^cluster-access: give either --backend-url URL or --all\n\nUsage: cluster-access logout/,
    );
  });
});

describe('cluster-access status -o json', () => {
  it('prints the cached certificates as JSON, without the certificate or key', async () => {
    const valid = await cachedAt(200, 7200);
    const expired = await makeCachedCredential({
      backendUrl: 'https://old.example.com',
      ttlSeconds: 60,
      notBefore: new Date(Date.now() - 3600_000),
    });
    const expiredPath = credentialCachePath({
      backendUrl: expired.backendUrl,
      env: { KUBECACHEDIR: join(dir, 'kc') },
    });
    await writeCredentialCache(expiredPath, expired);

    const result = await cli(['status', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    const cacheDirectory = join(dir, '.kube', 'cache', 'cluster-access');
    expect(JSON.parse(result.stdout)).toEqual({
      cacheDirectory,
      credentials: [
        {
          cachePath: valid.path,
          state: 'valid',
          backendUrl: valid.url,
          username: 'alice',
          groups: ['payments'],
          serialNumber: valid.serial,
          issuedAt: valid.credential.issuedAt,
          expiresAt: valid.credential.expiresAt,
          secondsLeft: expect.any(Number),
          keyType: 'ECDSA-P256',
        },
      ],
    });
    expect(
      JSON.parse(result.stdout).credentials[0].secondsLeft,
    ).toBeGreaterThan(7000);

    // KUBECACHEDIR moves the cache; an expired certificate exits 1.
    const old = await cli(['status', '-o', 'json'], {
      KUBECACHEDIR: join(dir, 'kc'),
    });
    expect(old.code).toBe(1);
    expect(JSON.parse(old.stdout).credentials).toEqual([
      expect.objectContaining({
        cachePath: expiredPath,
        state: 'expired',
        secondsLeft: expect.any(Number),
      }),
    ]);
    expect(JSON.parse(old.stdout).credentials[0].secondsLeft).toBeLessThan(0);

    const missing = await cli([
      'status',
      '-o',
      'json',
      '--backend-url',
      'https://none.example.com',
    ]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).credentials).toEqual([
      {
        cachePath: join(cacheDirectory, 'none.example.com.json'),
        state: 'missing',
      },
    ]);
    expect((await cli(['status', '-o', 'yaml'])).code).toBe(2);
  });
});
