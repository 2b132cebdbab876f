import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runTestCli, TEST_IDENTITY, TEST_LAUNCHER } from './__testUtils__/cli';
import { json, startFakeBackend } from './__testUtils__/fakeBackend';
import { createSigningRoutes } from './__testUtils__/signer';

type Backend = Awaited<ReturnType<typeof startFakeBackend>>;
let backend: Backend;
let dir: string;

afterEach(async () => {
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setup(routes: Parameters<typeof startFakeBackend>[0]) {
  dir = mkdtempSync(join(tmpdir(), 'cluster-access-cmd-'));
  backend = await startFakeBackend(routes);
  return backend.url;
}

const cli = (
  args: string[],
  env: NodeJS.ProcessEnv = {},
  { launcher }: { launcher?: string } = { launcher: TEST_LAUNCHER },
) => runTestCli({ args, dir, env: { KUBECACHEDIR: dir, ...env }, launcher });

describe('cluster-access login', () => {
  it('refuses to overwrite an -o file before anything is signed', async () => {
    const url = await setup({
      'GET /identity': (_r, res) => json(res, 200, TEST_IDENTITY),
    });
    writeFileSync(join(dir, 'alice.yaml'), 'mine');
    const result = await cli([
      'login',
      '--backend-url',
      url,
      '-o',
      'alice.yaml',
    ]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `cluster-access: ${join(
        dir,
        'alice.yaml',
      )} already exists; use --force to overwrite it, or leave out -o to merge into your kubeconfig\n`,
    });
    expect(backend.seen.map(r => r.path)).toEqual(['/identity']);
  });

  it('refuses to merge into a kubeconfig it cannot read as one, before anything is signed', async () => {
    const url = await setup({
      'GET /identity': (_r, res) => json(res, 200, TEST_IDENTITY),
    });
    mkdirSync(join(dir, '.kube'));
    writeFileSync(join(dir, '.kube', 'config'), 'clusters: [');
    const result = await cli(['login', '--backend-url', url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^cluster-access: .*\.kube\/config is not valid YAML \(.*\); nothing was changed\n$/,
    );
    expect(backend.seen.map(r => r.path)).toEqual(['/identity']);
    expect(readFileSync(join(dir, '.kube', 'config'), 'utf8')).toBe(
      'clusters: [',
    );
  });

  it('refuses an exec kubeconfig that kubectl could not run, before calling Backstage', async () => {
    const url = await setup({
      'GET /identity': (_r, res) => json(res, 200, TEST_IDENTITY),
    });
    const result = await cli(
      ['login', '--backend-url', url],
      { PATH: '/nonexistent' },
      {},
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cluster-access is not in PATH');
    expect(backend.seen).toEqual([]);
  });
});

describe('cluster-access login, to the end', () => {
  it('merges into ~/.kube/config by default, and a second login changes nothing', async () => {
    const { routes, serials } = await createSigningRoutes({
      clusters: [
        { name: 'dev', server: 'https://dev.example.com:6443' },
        { name: 'prod', server: 'https://prod.example.com' },
      ],
    });
    const url = await setup(routes);
    const config = join(dir, '.kube', 'config');
    const first = await cli(['login', '--backend-url', url]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `Created ${config}.\nContexts: dev, prod (current-context is now dev).\n\nTry it:\n  kubectl --context dev auth whoami\n`,
    );
    const written = parse(readFileSync(config, 'utf8'));
    expect(written['current-context']).toBe('dev');
    expect(written.users.map((u: { name: string }) => u.name)).toEqual([
      'alice@dev',
      'alice@prod',
    ]);
    expect(written.users[0].user.exec).toMatchObject({
      // Not in PATH here: the launcher.
      command: '/opt/cluster-access/bin/cluster-access',
      args: ['credential', '--backend-url', url],
    });
    // The key went to the cache (here KUBECACHEDIR), not the kubeconfig.
    expect(readFileSync(config, 'utf8')).not.toContain('PRIVATE KEY');
    expect(existsSync(join(dir, 'cluster-access'))).toBe(true);

    const second = await cli(['login', '--backend-url', url]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      `${config} already had these entries: nothing changed.\nContexts: dev, prod.\n`,
    );
    expect(existsSync(`${config}.bak`)).toBe(false);
    expect(serials).toHaveLength(2);
  }, 30_000);

  it('writes only the kubeconfig to stdout with -o -, and the rest to stderr', async () => {
    const { routes } = await createSigningRoutes({});
    const url = await setup(routes);
    const result = await cli([
      'login',
      '--backend-url',
      url,
      '--embed',
      '-o',
      '-',
    ]);
    expect(result.code).toBe(0);
    const config = parse(result.stdout);
    expect(config).toMatchObject({
      kind: 'Config',
      'current-context': 'dev',
      contexts: [
        { name: 'dev', context: { cluster: 'dev', user: 'alice@dev' } },
      ],
    });
    expect(Object.keys(config.users[0].user)).toEqual([
      'client-certificate-data',
      'client-key-data',
    ]);
    expect(result.stderr).toMatch(
      /^Signed in to .* as alice, groups payments\./,
    );
    expect(result.stderr).toContain('Wrote the kubeconfig to stdout.');
    // Neither a kubeconfig file nor a cache was written.
    expect(existsSync(join(dir, '.kube'))).toBe(false);
    expect(existsSync(join(dir, 'cluster-access'))).toBe(false);
  }, 30_000);
});
