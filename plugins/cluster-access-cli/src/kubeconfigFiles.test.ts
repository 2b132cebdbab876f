import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { kubeconfigLocations, mergeIntoKubeconfig } from './kubeconfigFiles';
import type { KubeconfigEntries } from './kubeconfigMerge';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-access-kubeconfig-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What login adds for alice on two Backstage clusters. */
function entries(server = 'https://dev.example.com:6443'): KubeconfigEntries {
  const exec = {
    apiVersion: 'client.authentication.k8s.io/v1',
    command: 'cluster-access',
    args: ['credential', '--backend-url', 'https://bs.example.com'],
    interactiveMode: 'Never',
  };
  return {
    clusters: [
      { cluster: { server }, name: 'dev' },
      { cluster: { server: 'https://prod.example.com' }, name: 'prod' },
    ],
    contexts: [
      { context: { cluster: 'dev', user: 'alice@dev' }, name: 'dev' },
      { context: { cluster: 'prod', user: 'alice@prod' }, name: 'prod' },
    ],
    users: [
      { name: 'alice@dev', user: { exec } },
      { name: 'alice@prod', user: { exec } },
    ],
  };
}

const theirs = `# my clusters
apiVersion: v1
kind: Config
clusters:
  - name: kind-kind # made by kind
    cluster:
      server: https://127.0.0.1:40000
contexts:
  - name: kind-kind
    context: { cluster: kind-kind, user: kind-kind }
current-context: kind-kind
users:
  - name: kind-kind
    user:
      token: abc
`;

async function merge(
  env: NodeJS.ProcessEnv,
  options: { explicit?: string; setCurrent?: boolean; force?: boolean } = {},
  added = entries(),
) {
  const locations = await kubeconfigLocations({
    explicit: options.explicit,
    env,
    cwd: dir,
    homeDirectory: dir,
  });
  return mergeIntoKubeconfig({
    locations,
    entries: added,
    setCurrent: options.setCurrent ?? false,
    force: options.force ?? false,
    lockTimeoutMs: 300,
  });
}

const names = (config: any, kind: string) =>
  (config[kind] ?? []).map((e: { name: string }) => e.name);

describe('mergeIntoKubeconfig', () => {
  it('adds to ~/.kube/config, keeping the rest and its comments, with a backup and mode 0600', async () => {
    const path = join(dir, '.kube', 'config');
    mkdirSync(join(dir, '.kube'));
    writeFileSync(path, theirs, { mode: 0o644 });

    const result = await merge({});
    expect(result).toEqual({
      written: [{ path, backup: `${path}.bak` }],
      currentContext: undefined,
    });
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^# my clusters\n/);
    expect(text).toContain('- name: kind-kind # made by kind');
    const config = parse(text);
    expect(names(config, 'clusters')).toEqual(['kind-kind', 'dev', 'prod']);
    expect(names(config, 'contexts')).toEqual(['kind-kind', 'dev', 'prod']);
    expect(names(config, 'users')).toEqual([
      'kind-kind',
      'alice@dev',
      'alice@prod',
    ]);
    expect(config.users[0].user.token).toBe('abc');
    // Not asked to: the user's current context stays.
    expect(config['current-context']).toBe('kind-kind');
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe(theirs);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.bak`).mode & 0o777).toBe(0o600);
    // No lock or temporary file left behind.
    expect(readdirSync(join(dir, '.kube')).sort()).toEqual([
      'config',
      'config.bak',
    ]);
  });

  it('replaces its own entries on the next login instead of adding more, and changes nothing when they are equal', async () => {
    const path = join(dir, '.kube', 'config');
    mkdirSync(join(dir, '.kube'));
    writeFileSync(path, theirs);
    await merge({});
    const first = readFileSync(path, 'utf8');

    expect(await merge({})).toEqual({ written: [], currentContext: undefined });
    expect(readFileSync(path, 'utf8')).toBe(first);
    // The backup still holds the file from before login, not a copy of ours.
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe(theirs);

    const changed = entries();
    changed.users[0].user = { token: 'new' };
    await merge({}, {}, changed);
    const config = parse(readFileSync(path, 'utf8'));
    expect(names(config, 'users')).toEqual([
      'kind-kind',
      'alice@dev',
      'alice@prod',
    ]);
    expect(config.users[1].user).toEqual({ token: 'new' });
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe(first);
  });

  it('creates the file when there is none and makes the first context current; --set-current switches', async () => {
    const path = join(dir, '.kube', 'config');
    expect(await merge({})).toEqual({
      written: [{ path, backup: undefined }],
      currentContext: 'dev',
    });
    const config = parse(readFileSync(path, 'utf8'));
    expect(config).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'dev',
    });
    expect(existsSync(`${path}.bak`)).toBe(false);

    writeFileSync(path, theirs);
    expect((await merge({}, { setCurrent: true })).currentContext).toBe('dev');
    expect(parse(readFileSync(path, 'utf8'))['current-context']).toBe('dev');
  });

  it('follows $KUBECONFIG like kubectl: existing entries where they are, new ones in the first file that exists', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(n => join(dir, n));
    const own = entries();
    // b already has login's dev entries (a previous login), c has kind's.
    writeFileSync(
      b,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [own.clusters[0]],
        contexts: [own.contexts[0]],
        users: [{ name: 'alice@dev', user: { token: 'old' } }],
      }),
    );
    writeFileSync(c, theirs);
    const env = { KUBECONFIG: [a, b, c, b].join(delimiter) };

    const result = await merge(env);
    expect(result.written.map(w => w.path)).toEqual([b]);
    const config = parse(readFileSync(b, 'utf8'));
    expect(names(config, 'users')).toEqual(['alice@dev', 'alice@prod']);
    expect(config.users[0].user).toEqual(own.users[0].user);
    expect(names(config, 'clusters')).toEqual(['dev', 'prod']);
    expect(existsSync(a)).toBe(false);
    expect(readFileSync(c, 'utf8')).toBe(theirs);
    // c sets current-context, so none is set in b.
    expect(config['current-context']).toBeUndefined();

    // None exists: the last one gets them. --kubeconfig overrides it all.
    rmSync(b);
    rmSync(c);
    await merge(env);
    expect(existsSync(c)).toBe(true);
    expect(existsSync(b)).toBe(false);
    await merge(env, { explicit: 'mine.yaml' });
    expect(
      names(parse(readFileSync(join(dir, 'mine.yaml'), 'utf8')), 'contexts'),
    ).toEqual(['dev', 'prod']);
  });

  it('refuses to replace entries of the same name that are not its own, unless forced', async () => {
    const path = join(dir, 'config');
    // Someone else's "dev" cluster, and a "prod" context for another one.
    const other = `${theirs.replace(/kind-kind/g, 'dev')}contexts:
  - name: prod
    context: { cluster: dev, user: dev }
`.replace(/^contexts:\n(.*\n){2}/m, '');
    writeFileSync(path, other);
    await expect(merge({ KUBECONFIG: path })).rejects.toThrow(
      `Your kubeconfig already has entries of these names for something else:\n  cluster 'dev' in ${path} is for https://127.0.0.1:40000, not https://dev.example.com:6443\n  context 'prod' in ${path} uses cluster 'dev', not 'prod'\nNothing was changed. Use --force to replace them, or -o FILE to write a separate kubeconfig.`,
    );
    expect(readFileSync(path, 'utf8')).toBe(other);
    expect(existsSync(`${path}.bak`)).toBe(false);

    await merge({ KUBECONFIG: path }, { force: true });
    const config = parse(readFileSync(path, 'utf8'));
    expect(config.clusters[0].cluster.server).toBe(
      'https://dev.example.com:6443',
    );
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe(other);
  });

  it('refuses to rewrite a file that is not a kubeconfig', async () => {
    const path = join(dir, 'config');
    for (const text of [
      'clusters: [',
      '- a\n- b\n',
      'kind: Pod\n',
      'clusters: {}\n',
      'a: 1\n---\nb: 2\n',
    ]) {
      writeFileSync(path, text);
      await expect(merge({ KUBECONFIG: path })).rejects.toThrow(path);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
  });

  it('waits for kubectl’s lock and gives up with a clear message, leaving the file alone', async () => {
    const path = join(dir, 'config');
    writeFileSync(path, theirs);
    // kubectl's lock: an empty file, just made.
    writeFileSync(`${path}.lock`, '');
    await expect(merge({ KUBECONFIG: path })).rejects.toThrow(
      `${path}.lock exists: kubectl or cluster-access is changing ${path}. If neither is, delete ${path}.lock and try again.`,
    );
    expect(readFileSync(path, 'utf8')).toBe(theirs);
    expect(existsSync(`${path}.lock`)).toBe(true);
  });

  it('writes through a symbolic link, so a kubeconfig kept elsewhere stays linked', async () => {
    const real = join(dir, 'dotfiles', 'kubeconfig');
    mkdirSync(join(dir, 'dotfiles'));
    writeFileSync(real, theirs);
    const link = join(dir, 'config');
    symlinkSync(real, link);
    await merge({ KUBECONFIG: link });
    expect(names(parse(readFileSync(real, 'utf8')), 'contexts')).toEqual([
      'kind-kind',
      'dev',
      'prod',
    ]);
    expect(readFileSync(`${real}.bak`, 'utf8')).toBe(theirs);
  });
});
