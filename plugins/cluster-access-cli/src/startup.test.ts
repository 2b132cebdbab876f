import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialCachePath, writeCredentialCache } from './cache';
import { makeCachedCredential } from './__testUtils__/credentials';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-access-startup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `cluster-access <args>` in a new Node, as kubectl does. */
function runCliProcess(args: string[], env: NodeJS.ProcessEnv) {
  // What the CLI's own code loads: the modules new after the transform's.
  const script = `
    const before = new Set(Object.keys(require.cache));
    require(${JSON.stringify(join(__dirname, 'index.ts'))})
      .main(${JSON.stringify(args)})
      .then(() => process.stderr.write(JSON.stringify(
        Object.keys(require.cache).filter(f => !before.has(f)))));`;
  return new Promise<{ stdout: string; loaded: string[] }>(
    (resolve, reject) => {
      execFile(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          '-e',
          script,
        ],
        { env: { PATH: process.env.PATH, ...env } },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`${error.message}\n${stderr}`));
          else resolve({ stdout, loaded: JSON.parse(stderr) });
        },
      );
    },
  );
}

describe('cluster-access credential, started by kubectl', () => {
  // kubectl starts the plugin for every command: what a cache hit loads is
  // what every kubectl command waits for.
  it('hands out a cached certificate loading only its own modules and Node’s', async () => {
    const backendUrl = 'https://backstage.example.com';
    const credential = await makeCachedCredential({ backendUrl });
    const env = { HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
    await writeCredentialCache(
      credentialCachePath({ backendUrl, env, homeDirectory: dir }),
      credential,
    );

    const { stdout, loaded } = await runCliProcess(
      ['credential', '--backend-url', backendUrl],
      env,
    );

    expect(JSON.parse(stdout).status).toEqual({
      clientCertificateData: credential.clientCertificateData,
      clientKeyData: credential.clientKeyData,
      expirationTimestamp: credential.expiresAt,
    });
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter(file => !file.startsWith(__dirname))).toEqual([]);
  });
});
