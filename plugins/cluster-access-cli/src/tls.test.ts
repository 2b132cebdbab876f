import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runTestCli, TEST_LAUNCHER } from './__testUtils__/cli';
import { startFakeBackend } from './__testUtils__/fakeBackend';
import {
  createPrivateTlsServer,
  createSigningRoutes,
} from './__testUtils__/signer';

// Key generation, TLS and signing on a loaded 2-core machine.
jest.setTimeout(30_000);

let dir: string;
let backend: Awaited<ReturnType<typeof startFakeBackend>>;
let caFile: string;

beforeAll(async () => {
  // A private CA that is not in Node's trust store, as in a company network.
  const server = await createPrivateTlsServer();
  const { routes } = await createSigningRoutes({});
  backend = await startFakeBackend(routes, {
    tls: { key: server.keyPem, cert: server.certPem },
  });
  dir = mkdtempSync(join(tmpdir(), 'cluster-access-tls-'));
  caFile = join(dir, 'acme-ca.pem');
  writeFileSync(caFile, server.caPem);
});

afterAll(async () => {
  await backend?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runTestCli({
    args,
    dir,
    env: { KUBECACHEDIR: dir, ...env },
    launcher: TEST_LAUNCHER,
  });

describe('--certificate-authority', () => {
  it('refuses a backend whose CA is not trusted, and says which option fixes it', async () => {
    const result = await cli(['credential', '--backend-url', backend.url]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `cluster-access: Could not reach Backstage at ${backend.url}: UNABLE_TO_VERIFY_LEAF_SIGNATURE. Its TLS certificate is not trusted here: give the CA that signed it with --certificate-authority FILE (or CLUSTER_ACCESS_CERTIFICATE_AUTHORITY)\n`,
    });
    expect(backend.seen).toEqual([]);
  });

  it('trusts the given CA for the backend, from the option or the environment', async () => {
    const seen = backend.seen.length;
    const viaOption = await cli([
      'credential',
      '--backend-url',
      backend.url,
      '--certificate-authority',
      'acme-ca.pem',
    ]);
    expect(viaOption).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(viaOption.stdout).kind).toBe('ExecCredential');
    const viaEnv = await cli(
      ['credential', '--backend-url', backend.url, '--min-remaining', '2h'],
      { CLUSTER_ACCESS_CERTIFICATE_AUTHORITY: caFile },
    );
    expect(viaEnv.code).toBe(0);
    expect(backend.seen.slice(seen).map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /identity',
      'POST /certificates',
      'GET /identity',
      'POST /certificates',
    ]);
  });

  it('passes the CA on to the kubectl plugin as an absolute path', async () => {
    const login = await cli([
      'login',
      '--backend-url',
      backend.url,
      '--certificate-authority',
      'acme-ca.pem',
      '-o',
      'k.yaml',
    ]);
    expect(login).toMatchObject({ code: 0, stderr: '' });
    const config = parse(readFileSync(join(dir, 'k.yaml'), 'utf8'));
    expect(config.users[0].user.exec.args).toEqual([
      'credential',
      '--backend-url',
      backend.url,
      '--certificate-authority',
      caFile,
    ]);
  });

  it('says what is wrong with a CA file that cannot be used', async () => {
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    for (const [file, message] of [
      [
        join(dir, 'missing.pem'),
        `Cannot read the certificate authority file ${join(
          dir,
          'missing.pem',
        )} (ENOENT)`,
      ],
      [
        notPem,
        `${notPem} holds no PEM certificate: give the CA that signed the Backstage backend's TLS certificate`,
      ],
    ]) {
      const result = await cli(
        [
          'credential',
          '--backend-url',
          backend.url,
          '--certificate-authority',
          file,
        ],
        // Nothing cached to fall back on.
        { KUBECACHEDIR: join(dir, 'empty') },
      );
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `cluster-access: ${message}\n`,
      });
    }
  });
});
