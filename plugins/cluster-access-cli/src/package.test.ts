import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { startFakeBackend } from './__testUtils__/fakeBackend';
import { createSigningRoutes } from './__testUtils__/signer';

// Builds both packages and packs them: slow on a loaded 2-core machine.
jest.setTimeout(600_000);

const cliDir = resolve(__dirname, '..');
const root = resolve(cliDir, '..', '..');
const commonDir = join(root, 'plugins', 'cluster-access-common');
const yarnRelease = join(
  root,
  '.yarn',
  'releases',
  readdirSync(join(root, '.yarn', 'releases')).find(f => f.endsWith('.cjs'))!,
);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Run> {
  return new Promise(done => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

async function mustRun(file: string, args: string[], cwd: string) {
  const result = await run(file, args, { cwd });
  if (result.code !== 0) {
    throw new Error(
      `${[file, ...args].join(' ')} failed (${result.code}):\n${
        result.stdout
      }\n${result.stderr}`,
    );
  }
  return result;
}

const yarn = (args: string[], cwd: string) =>
  mustRun(process.execPath, [yarnRelease, ...args], cwd);

/**
 * The common package's build needs its declarations from the repository's
 * `tsc` (in dist-types/). The test command runs tsc first; a run of this
 * test alone makes just these.
 */
async function ensureCommonDeclarations() {
  const declarations = join(
    root,
    'dist-types',
    'plugins',
    'cluster-access-common',
    'src',
    'index.d.ts',
  );
  if (existsSync(declarations)) return;
  mkdirSync(join(root, '.sandbox'), { recursive: true });
  const tsconfig = join(root, '.sandbox', 'tsconfig.common-declarations.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: '../tsconfig.json',
      include: ['../plugins/cluster-access-common/src'],
      exclude: ['../plugins/cluster-access-common/src/**/*.test.ts'],
      compilerOptions: { incremental: false },
    }),
  );
  await mustRun(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig],
    root,
  );
}

/** Every Node ≥ 20 on this machine, this one first: the package says 20.18+. */
function nodesToTry(): string[] {
  const found = new Map<string, string>();
  const candidates = [
    process.execPath,
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map(d => join(d, 'node')),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ];
  for (const candidate of candidates) {
    try {
      const real = realpathSync(candidate);
      if (found.has(real)) continue;
      const version = execFileSync(candidate, ['-p', 'process.version'], {
        encoding: 'utf8',
      }).trim();
      if (Number(version.slice(1).split('.')[0]) >= 20) {
        found.set(real, candidate);
      }
    } catch {
      // Not there, or not a Node.
    }
  }
  return [...found.values()];
}

let work: string;
let app: string;
let installed: string;
const madeDist: string[] = [];

/**
 * The tarballs of the test command's pack step (`scripts/check-packages.js`,
 * which runs before jest and says where through CLUSTER_ACCESS_PACKED_DIR):
 * packing here again would rewrite the common package's package.json
 * (prepack) while other test files load it.
 */
function packedByTestCommand(name: string): string | undefined {
  const dir = process.env.CLUSTER_ACCESS_PACKED_DIR;
  if (!dir) return undefined;
  const manifest = JSON.parse(
    readFileSync(
      join(name === 'cli' ? cliDir : commonDir, 'package.json'),
      'utf8',
    ),
  );
  const file = join(
    dir,
    `${manifest.name.replace(/^@/, '').replace('/', '-')}-${
      manifest.version
    }.tgz`,
  );
  if (!existsSync(file)) {
    throw new Error(
      `CLUSTER_ACCESS_PACKED_DIR is set but ${file} is missing: run node scripts/check-packages.js first`,
    );
  }
  return file;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cluster-access-pack-'));
  const packedCli = packedByTestCommand('cli');
  const packedCommon = packedByTestCommand('common');
  if (packedCli && packedCommon) {
    copyFileSync(packedCli, join(work, 'cli.tgz'));
    copyFileSync(packedCommon, join(work, 'common.tgz'));
  } else {
    await ensureCommonDeclarations();
    for (const dir of [commonDir, cliDir]) {
      if (!existsSync(join(dir, 'dist'))) madeDist.push(join(dir, 'dist'));
      await yarn(['backstage-cli', 'package', 'build'], dir);
    }
    await yarn(['pack', '--out', join(work, 'common.tgz')], commonDir);
    await yarn(['pack', '--out', join(work, 'cli.tgz')], cliDir);
  }

  // As npm would lay them out in a project of the user's, far from this
  // repository: the two packages in node_modules. Their third-party
  // dependencies come from the repository's node_modules through NODE_PATH,
  // standing in for what npm would download.
  app = join(work, 'app');
  installed = join(app, 'node_modules', '@cluster-access', 'cli');
  const common = join(
    app,
    'node_modules',
    '@cluster-access',
    'plugin-cluster-access-common',
  );
  for (const [tarball, dest] of [
    ['cli.tgz', installed],
    ['common.tgz', common],
  ]) {
    mkdirSync(dest, { recursive: true });
    await mustRun(
      'tar',
      ['-xzf', join(work, tarball), '-C', dest, '--strip-components=1'],
      work,
    );
  }
});

afterAll(() => {
  for (const dist of madeDist) rmSync(dist, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the @cluster-access/cli package, as npm would install it', () => {
  it('holds the built code, the README and the bin, and no sources or tests', async () => {
    const { stdout } = await mustRun('tar', ['-tzf', 'cli.tgz'], work);
    const files = stdout.trim().split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/bin/cluster-access',
        'package/dist/index.cjs.js',
        'package/dist/commands/login.cjs.js',
        'package/dist/commands/logout.cjs.js',
        'package/dist/kubeconfigFiles.cjs.js',
      ]),
    );
    expect(
      files.filter(f => /\/src\/|\.test\.|__testUtils__|\/bench\//.test(f)),
    ).toEqual([]);
    expect(
      statSync(join(installed, 'bin', 'cluster-access')).mode & 0o111,
    ).toBe(0o111);
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    expect(readme).toContain('npm install -g @cluster-access/cli');
  });

  it('declares what an installer needs: bins, main, engines, and every module its code requires', () => {
    const manifest = JSON.parse(
      readFileSync(join(installed, 'package.json'), 'utf8'),
    );
    expect(manifest.main).toBe('dist/index.cjs.js');
    expect(existsSync(join(installed, manifest.main))).toBe(true);
    expect(manifest.bin).toEqual({
      'cluster-access': 'bin/cluster-access',
      'kubectl-cluster_access': 'bin/cluster-access',
    });
    expect(manifest.engines).toEqual({ node: '>=20.18.1' });
    // A registry version, not the workspace protocol.
    expect(
      manifest.dependencies['@cluster-access/plugin-cluster-access-common'],
    ).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(JSON.stringify(manifest)).not.toContain('workspace:');

    const required = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.js')) {
          const text = readFileSync(path, 'utf8');
          for (const [, name] of text.matchAll(/require\('([^'.][^']*)'\)/g)) {
            const bare = name.startsWith('@')
              ? name.split('/').slice(0, 2).join('/')
              : name.split('/')[0];
            required.add(bare);
          }
        }
      }
    };
    walk(join(installed, 'dist'));
    const builtin = (name: string) =>
      name.startsWith('node:') || builtinModules.includes(name);
    const missing = [...required].filter(
      name => !builtin(name) && !(name in manifest.dependencies),
    );
    expect(missing).toEqual([]);
    // The TypeScript transform is for this repository only.
    expect([...required]).not.toContain('@backstage/cli');
  });

  it.each(nodesToTry())(
    'runs from the tarball with %s, outside the repository',
    async node => {
      const env = {
        PATH: `${dirname(node)}:/usr/bin:/bin`,
        HOME: join(work, 'home'),
        NODE_PATH: join(root, 'node_modules'),
        CLUSTER_ACCESS_TOKEN: 'packed-token',
      };
      const bin = join(installed, 'bin', 'cluster-access');
      const cli = (args: string[]) =>
        run(node, [bin, ...args], { cwd: app, env });

      const version = await cli(['--version']);
      expect(version).toEqual({
        code: 0,
        stdout: `${
          JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')).version
        }\n`,
        stderr: '',
      });
      const help = await cli(['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: cluster-access <command>/);

      // The common package is the packed one next to it, not the workspace's.
      const resolved = await run(
        node,
        [
          '-p',
          `require.resolve('@cluster-access/plugin-cluster-access-common', { paths: [${JSON.stringify(
            installed,
          )}] })`,
        ],
        { cwd: app, env },
      );
      expect(relative(app, resolved.stdout.trim())).toBe(
        join(
          'node_modules',
          '@cluster-access',
          'plugin-cluster-access-common',
          'dist',
          'index.cjs.js',
        ),
      );

      // A whole login: key, CSR, signing, kubeconfig, all from built code.
      const { routes } = await createSigningRoutes({});
      const backend = await startFakeBackend(routes);
      try {
        const login = await cli([
          'login',
          '--backend-url',
          backend.url,
          '--embed',
          '-o',
          '-',
        ]);
        expect(login.stderr).toContain('Signed in to');
        expect(login.code).toBe(0);
        expect(parse(login.stdout)).toMatchObject({
          kind: 'Config',
          users: [{ name: 'alice@dev' }],
        });
        expect(backend.seen.map(r => r.path)).toEqual([
          '/identity',
          '/certificates',
        ]);
      } finally {
        await backend.close();
      }
    },
  );
});
