import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitCommandLine } from './argv';
import {
  backstageCliInstance,
  findExecutable,
  getBackstageToken,
} from './token';

const backendUrl = 'http://localhost:7007';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-access-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in `backstage-cli` that records its arguments and prints a token,
 * or fails the way the real one does when nobody signed in.
 */
function fakeBackstageCli(directory: string, behaviour: 'token' | 'fail') {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, 'backstage-cli');
  writeFileSync(
    path,
    behaviour === 'token'
      ? `#!/bin/sh\necho "$@" > "${dir}/args"\necho "  cli-token  "\n`
      : `#!/bin/sh\necho "No CLI modules found in the project root dependencies." >&2\necho "Error: No instances found. Run \\"auth login\\" to authenticate first." >&2\necho "This fallback will be removed in a future release." >&2\nexit 1\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

function writeInstances(instances: object[]) {
  mkdirSync(join(dir, 'config', 'backstage-cli'), { recursive: true });
  writeFileSync(
    join(dir, 'config', 'backstage-cli', 'auth-instances.yaml'),
    JSON.stringify({ instances }),
  );
}

describe('getBackstageToken', () => {
  it('runs --token-command without a shell and takes its trimmed output, before any other source', async () => {
    // A program whose path has a space, with an argument that has one: the
    // quoting is undone by the CLI, and no shell sees the command.
    const bin = join(dir, 'my tools');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'get-token'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\necho " from-option "\necho noise >&2\n`,
      { mode: 0o755 },
    );
    const token = await getBackstageToken({
      backendUrl,
      tokenCommand: `'${bin}/get-token' --audience "my app" $USER_NAME '$HOME' '$(id)'`,
      env: {
        PATH: '/usr/bin:/bin',
        USER_NAME: 'alice',
        CLUSTER_ACCESS_TOKEN_COMMAND: 'echo from-env-command',
        CLUSTER_ACCESS_TOKEN: 'from-env',
      },
    });
    expect(token).toBe('from-option');
    expect(readFileSync(join(dir, 'args'), 'utf8').split('\n')).toEqual([
      '--audience',
      'my app',
      'alice',
      '$HOME',
      '$(id)',
      '',
    ]);
  });

  it('refuses what only a shell could run, and says how to use one', async () => {
    for (const command of [
      'get-token | tr -d x',
      'a; b',
      'a > f',
      'a *',
      'a $(id)',
    ]) {
      await expect(
        getBackstageToken({ backendUrl, tokenCommand: command, env: {} }),
      ).rejects.toThrow(
        /is run without a shell, so '.+' cannot be used in it.*sh -c/,
      );
    }
    await expect(
      getBackstageToken({ backendUrl, tokenCommand: "a 'b", env: {} }),
    ).rejects.toThrow('The token command has an unclosed single quote');
    await expect(
      getBackstageToken({
        backendUrl,
        tokenCommand: 'no-such-program-here',
        env: { PATH: dir },
      }),
    ).rejects.toThrow(
      'The token command failed (no-such-program-here was not found)',
    );
    // A shell, asked for explicitly, still works.
    expect(
      await getBackstageToken({
        backendUrl,
        tokenCommand: `sh -c 'echo one | tr o O'`,
        env: {},
      }),
    ).toBe('One');
  });

  it('then CLUSTER_ACCESS_TOKEN_COMMAND, then CLUSTER_ACCESS_TOKEN', async () => {
    expect(
      await getBackstageToken({
        backendUrl,
        env: {
          CLUSTER_ACCESS_TOKEN_COMMAND: 'printf from-env-command',
          CLUSTER_ACCESS_TOKEN: 'from-env',
        },
      }),
    ).toBe('from-env-command');
    expect(
      await getBackstageToken({
        backendUrl,
        env: { CLUSTER_ACCESS_TOKEN: ' from-env\n' },
      }),
    ).toBe('from-env');
  });

  it('says why a token command failed, and refuses output that is not one token', async () => {
    await expect(
      getBackstageToken({
        backendUrl,
        tokenCommand: `sh -c 'echo "vault: permission denied" >&2; exit 3'`,
        env: {},
      }),
    ).rejects.toThrow(
      'The token command failed (exit 3): vault: permission denied',
    );
    await expect(
      getBackstageToken({ backendUrl, tokenCommand: 'true', env: {} }),
    ).rejects.toThrow('The token command printed no token');
    await expect(
      getBackstageToken({
        backendUrl,
        tokenCommand: 'echo "Bearer abc"',
        env: {},
      }),
    ).rejects.toThrow(
      'The token command printed more than one word; it should print only the token',
    );
  });

  it('otherwise asks backstage-cli for the token of the instance signed in to the backend', async () => {
    const bin = join(dir, 'bin');
    fakeBackstageCli(bin, 'token');
    writeInstances([
      { name: 'prod', baseUrl: 'https://bs.example.com', selected: true },
      { name: 'local', baseUrl: 'http://localhost:7007/' },
    ]);
    const env = {
      PATH: `${bin}:/usr/bin:/bin`,
      XDG_CONFIG_HOME: join(dir, 'config'),
    };
    expect(await getBackstageToken({ backendUrl, env })).toBe('cli-token');
    // Not the selected instance: that one is another backend's.
    expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe(
      'auth print-token --instance local',
    );
  });

  it('finds backstage-cli in node_modules/.bin above the launcher when it is not in PATH', async () => {
    fakeBackstageCli(join(dir, 'repo', 'node_modules', '.bin'), 'token');
    const token = await getBackstageToken({
      backendUrl,
      env: { PATH: '/usr/bin:/bin', HOME: dir },
      searchFrom: [join(dir, 'repo', 'plugins', 'cli', 'bin')],
    });
    expect(token).toBe('cli-token');
    // No instance list: the name `auth login --backend-url` gives.
    expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe(
      'auth print-token --instance localhost:7007',
    );
  });

  it('tells the user to sign in when backstage-cli has no token', async () => {
    const bin = join(dir, 'bin');
    fakeBackstageCli(bin, 'fail');
    await expect(
      getBackstageToken({
        backendUrl,
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir },
      }),
    ).rejects.toThrow(
      'You are not signed in to http://localhost:7007 with the Backstage CLI (No instances found. Run "auth login" to authenticate first.). Sign in with: backstage-cli auth login --backend-url http://localhost:7007',
    );
  });

  it('finds programs on Windows by PATHEXT, without an execute bit', async () => {
    const bin = join(dir, 'win');
    mkdirSync(bin);
    writeFileSync(join(bin, 'backstage-cli.cmd'), '@echo off');
    writeFileSync(join(bin, 'backstage-cli'), '#!/bin/sh\n');
    expect(
      await findExecutable({
        name: 'backstage-cli',
        env: { Path: bin, PATHEXT: '.COM;.EXE;.CMD' },
        platform: 'win32',
      }),
    ).toBe(join(bin, 'backstage-cli.cmd'));
    // The sh script npm also installs is not what Windows would run.
    expect(
      await findExecutable({
        name: 'backstage-cli',
        env: { PATH: bin, PATHEXT: '.EXE' },
        platform: 'win32',
      }),
    ).toBeUndefined();
  });

  it('says what to install when there is no backstage-cli', async () => {
    await expect(
      getBackstageToken({
        backendUrl,
        env: { PATH: '/nonexistent', HOME: dir },
      }),
    ).rejects.toThrow(
      /^No Backstage token: backstage-cli was not found in PATH\. Install @backstage\/cli/,
    );
  });
});

describe('backstageCliInstance', () => {
  it('prefers the selected one of several instances of the same backend', async () => {
    writeInstances([
      { name: 'a', baseUrl: 'http://localhost:7007' },
      { name: 'b', baseUrl: 'http://localhost:7007', selected: true },
    ]);
    expect(
      await backstageCliInstance({
        backendUrl,
        env: { XDG_CONFIG_HOME: join(dir, 'config') },
      }),
    ).toBe('b');
  });

  it('falls back to the host when no instance matches or the list is unreadable', async () => {
    writeInstances([{ name: 'prod', baseUrl: 'https://bs.example.com' }]);
    const env = { XDG_CONFIG_HOME: join(dir, 'config') };
    expect(await backstageCliInstance({ backendUrl, env })).toBe(
      'localhost:7007',
    );
    writeFileSync(
      join(dir, 'config', 'backstage-cli', 'auth-instances.yaml'),
      'instances: [',
    );
    expect(await backstageCliInstance({ backendUrl, env })).toBe(
      'localhost:7007',
    );
  });
});

describe('splitCommandLine', () => {
  it('splits by Windows rules on Windows: backslashes are path separators', () => {
    const split = (command: string) =>
      splitCommandLine(command, { env: {}, platform: 'win32' });
    expect(split('C:\\Tools\\token.exe --for prod')).toEqual([
      'C:\\Tools\\token.exe',
      '--for',
      'prod',
    ]);
    expect(
      split('"C:\\Program Files\\Az\\az.cmd" account get-access-token'),
    ).toEqual(['C:\\Program Files\\Az\\az.cmd', 'account', 'get-access-token']);
    // CommandLineToArgvW: \" is a quote, "" inside quotes is one, 2n
    // backslashes before a quote are n.
    expect(split('a "b \\"c\\" d" "e""f" g\\\\"h i"')).toEqual([
      'a',
      'b "c" d',
      'e"f',
      'g\\h i',
    ]);
    // No single-quote meaning, no %VAR% expansion: nothing cmd.exe does.
    expect(split("'a b' %USERNAME%")).toEqual(["'a", "b'", '%USERNAME%']);
    expect(() => split('a | b')).toThrow("'|' cannot be used in it");
    expect(() => split('a "b')).toThrow('unclosed double quote');
    expect(() => split('   ')).toThrow('The token command is empty');
  });

  it('splits by POSIX shell rules elsewhere', () => {
    expect(
      splitCommandLine(
        `vault read -field=token "secret/$U" 'a\\b' c\\ d # note`,
        {
          env: { U: 'alice' },
          platform: 'linux',
        },
      ),
    ).toEqual(['vault', 'read', '-field=token', 'secret/alice', 'a\\b', 'c d']);
  });
});
