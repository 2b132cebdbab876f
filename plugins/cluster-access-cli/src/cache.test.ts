import {
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cacheDirectory,
  credentialCachePath,
  readCredentialCache,
  withCacheLock,
  writeCredentialCache,
} from './cache';
import { makeCachedCredential } from './__testUtils__/credentials';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-access-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('credentialCachePath', () => {
  it('uses ~/.kube/cache/cluster-access, and one file per backend host and port', () => {
    expect(
      credentialCachePath({
        backendUrl: 'https://bs.example.com/backstage',
        // Not the XDG directory any more: kubectl's.
        env: { XDG_CACHE_HOME: '/x/cache' },
        homeDirectory: '/home/alice',
      }),
    ).toBe('/home/alice/.kube/cache/cluster-access/bs.example.com.json');
    expect(
      credentialCachePath({
        backendUrl: 'http://[::1]:7007',
        env: {},
        homeDirectory: '/h',
      }),
    ).toBe('/h/.kube/cache/cluster-access/___1__7007.json');
  });

  it('honours KUBECACHEDIR as kubectl does: absolute, ~/, or from the working directory', () => {
    const where = { homeDirectory: '/h', cwd: '/work' };
    expect(
      credentialCachePath({
        backendUrl: 'http://localhost:7007',
        env: { KUBECACHEDIR: '/x/kube-cache' },
        ...where,
      }),
    ).toBe('/x/kube-cache/cluster-access/localhost_7007.json');
    expect(cacheDirectory({ env: { KUBECACHEDIR: '~/c' }, ...where })).toBe(
      '/h/c/cluster-access',
    );
    expect(cacheDirectory({ env: { KUBECACHEDIR: 'c' }, ...where })).toBe(
      '/work/c/cluster-access',
    );
    expect(cacheDirectory({ env: { KUBECACHEDIR: '' }, ...where })).toBe(
      '/h/.kube/cache/cluster-access',
    );
  });
});

describe('the cache file', () => {
  it('round-trips a credential, private to the user', async () => {
    const credential = await makeCachedCredential();
    const path = join(dir, 'cache', 'cluster-access', 'bs.json');
    await writeCredentialCache(path, credential);
    expect(await readCredentialCache(path)).toEqual({
      state: 'ok',
      credential,
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'cache', 'cluster-access')).mode & 0o777).toBe(
      0o700,
    );
    // Nothing left behind but the file itself.
    expect(readdirSync(join(dir, 'cache', 'cluster-access'))).toEqual([
      'bs.json',
    ]);
  });

  it('makes an existing, too open cache directory private again', async () => {
    const directory = join(dir, 'cluster-access');
    await mkdir(directory);
    await chmod(directory, 0o755);
    await writeCredentialCache(
      join(directory, 'bs.json'),
      await makeCachedCredential(),
    );
    expect(statSync(directory).mode & 0o777).toBe(0o700);
  });

  it('replaces the previous credential as a whole', async () => {
    const path = join(dir, 'bs.json');
    await writeCredentialCache(path, await makeCachedCredential());
    const second = await makeCachedCredential({ username: 'bob' });
    await writeCredentialCache(path, second);
    expect(await readCredentialCache(path)).toEqual({
      state: 'ok',
      credential: second,
    });
  });

  it('reports a missing file as missing and a damaged one as invalid, without quoting it', async () => {
    const path = join(dir, 'bs.json');
    expect(await readCredentialCache(path)).toEqual({ state: 'missing' });

    writeFileSync(path, '{"clientKeyData": "-----BEGIN PRIVATE');
    expect(await readCredentialCache(path)).toEqual({
      state: 'invalid',
      reason: 'it is not JSON',
    });

    writeFileSync(path, JSON.stringify({ version: 2 }));
    expect(await readCredentialCache(path)).toEqual({
      state: 'invalid',
      reason: 'it is not a credential cache',
    });
  });

  it('refuses a file whose fields are missing or of the wrong type, and keeps only the known ones', async () => {
    const path = join(dir, 'bs.json');
    const credential = await makeCachedCredential();
    const damaged: Record<string, unknown>[] = [
      { ...credential, version: '1' },
      { ...credential, backendUrl: undefined },
      { ...credential, username: 7 },
      { ...credential, groups: 'payments' },
      { ...credential, groups: ['payments', 1] },
      { ...credential, expiresAt: null },
      { ...credential, keyType: 'ECDSA-P521' },
      { ...credential, ttlSeconds: 0 },
      { ...credential, ttlSeconds: 1.5 },
      { ...credential, ttlSeconds: '3600' },
      { ...credential, ttlSeconds: null },
      { ...credential, clientKeyData: ['-----BEGIN PRIVATE KEY-----'] },
    ];
    for (const value of [...damaged, [credential], null, 'text']) {
      writeFileSync(path, JSON.stringify(value));
      expect(await readCredentialCache(path)).toEqual({
        state: 'invalid',
        reason: 'it is not a credential cache',
      });
    }

    writeFileSync(
      path,
      JSON.stringify({ ...credential, ttlSeconds: 7200, extra: 'x' }),
    );
    const read = await readCredentialCache(path);
    expect(read).toEqual({
      state: 'ok',
      credential: { ...credential, ttlSeconds: 7200 },
    });
    expect(read.state === 'ok' && Object.keys(read.credential)).not.toContain(
      'extra',
    );
  });

  it('refuses a key that is not the certificate’s, and an expiry that is not the certificate’s', async () => {
    const path = join(dir, 'bs.json');
    const credential = await makeCachedCredential();
    const other = await makeCachedCredential();
    await writeCredentialCache(path, {
      ...credential,
      clientKeyData: other.clientKeyData,
    });
    expect(await readCredentialCache(path)).toEqual({
      state: 'invalid',
      reason: 'the key does not belong to the certificate',
    });

    await writeCredentialCache(path, {
      ...credential,
      expiresAt: '2099-01-01T00:00:00Z',
    });
    expect(await readCredentialCache(path)).toEqual({
      state: 'invalid',
      reason: 'the recorded expiry is not the certificate’s',
    });

    await writeCredentialCache(path, {
      ...credential,
      clientCertificateData: 'not a certificate',
    });
    expect(await readCredentialCache(path)).toEqual({
      state: 'invalid',
      reason: 'the certificate does not parse',
    });
  });
});

describe('withCacheLock', () => {
  const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

  it('runs one holder at a time and removes the lock afterwards', async () => {
    const path = join(dir, 'bs.json');
    const events: string[] = [];
    await Promise.all(
      [1, 2, 3].map(n =>
        withCacheLock(path, async () => {
          events.push(`start ${n}`);
          await sleep(30);
          events.push(`end ${n}`);
        }),
      ),
    );
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i + 1]).toBe(events[i].replace('start', 'end'));
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over a lock whose process is gone', async () => {
    const path = join(dir, 'bs.json');
    // PIDs are below 2^22 on Linux: this one cannot be running.
    await writeFile(`${path}.lock`, '4194303 abc');
    const started = Date.now();
    expect(await withCacheLock(path, async () => 'ran')).toBe('ran');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('takes over a lock older than staleMs', async () => {
    const path = join(dir, 'bs.json');
    await writeFile(`${path}.lock`, `${process.pid} abc`);
    await sleep(120);
    expect(await withCacheLock(path, async () => 'ran', { staleMs: 100 })).toBe(
      'ran',
    );
  });

  it('runs anyway after the timeout, says so, and leaves the other holder’s lock alone', async () => {
    const path = join(dir, 'bs.json');
    await writeFile(`${path}.lock`, `${process.pid} other`);
    const onTimeout = jest.fn();
    expect(
      await withCacheLock(path, async () => 'ran', {
        timeoutMs: 150,
        onTimeout,
      }),
    ).toBe('ran');
    expect(onTimeout).toHaveBeenCalledTimes(1);
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(`${process.pid} other`);
  });

  it('releases the lock when the work fails', async () => {
    const path = join(dir, 'bs.json');
    await expect(
      withCacheLock(path, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readdirSync(dir)).toEqual([]);
  });
});
