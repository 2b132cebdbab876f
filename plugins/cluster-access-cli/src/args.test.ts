import { normalizeBackendUrl, parseCommandLine } from './args';
import { UsageError } from './errors';

function usageError(args: string[]): UsageError {
  try {
    parseCommandLine(args);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`${args.join(' ')} parsed`);
}

describe('parseCommandLine', () => {
  it('reads login with its defaults: exec mode, merge, no overwrite', () => {
    expect(
      parseCommandLine(['login', '--backend-url', 'https://bs.example.com/']),
    ).toEqual({
      command: 'login',
      backendUrl: 'https://bs.example.com',
      mode: 'exec',
      force: false,
      setCurrent: false,
      ttlSeconds: undefined,
      keyType: undefined,
      kubeconfig: undefined,
      output: undefined,
      tokenCommand: undefined,
      minRemainingSeconds: undefined,
      certificateAuthority: undefined,
    });
  });

  it('reads every login option', () => {
    expect(
      parseCommandLine([
        'login',
        '--backend-url=http://localhost:7007',
        '--ttl',
        '1h30m',
        '--key-type',
        'ECDSA-P384',
        '--kubeconfig',
        'x.yaml',
        '--set-current',
        '--embed',
        '--force',
        '--certificate-authority',
        'ca.pem',
        '--token-command',
        'pass show bs',
      ]),
    ).toEqual({
      command: 'login',
      backendUrl: 'http://localhost:7007',
      mode: 'embed',
      force: true,
      setCurrent: true,
      ttlSeconds: 5400,
      keyType: 'ECDSA-P384',
      kubeconfig: 'x.yaml',
      output: undefined,
      tokenCommand: 'pass show bs',
      minRemainingSeconds: undefined,
      certificateAuthority: 'ca.pem',
    });
    expect(
      parseCommandLine(['login', '--backend-url', 'https://a', '-o', '-']),
    ).toMatchObject({ output: '-', kubeconfig: undefined });
  });

  it('reads credential with a default --min-remaining of 10 minutes', () => {
    expect(
      parseCommandLine([
        'credential',
        '--backend-url',
        'https://bs.example.com',
      ]),
    ).toMatchObject({ command: 'credential', minRemainingSeconds: 600 });
    expect(
      parseCommandLine([
        'credential',
        '--backend-url',
        'https://bs.example.com',
        '--min-remaining',
        '0',
        '--key-type',
        'rsa-2048',
      ]),
    ).toMatchObject({ minRemainingSeconds: 0, keyType: 'RSA-2048' });
  });

  it('reads status with or without a backend, as text or JSON', () => {
    expect(parseCommandLine(['status'])).toEqual({
      command: 'status',
      backendUrl: undefined,
      output: 'text',
    });
    expect(
      parseCommandLine([
        'status',
        '--backend-url',
        'https://bs.example.com',
        '-o',
        'json',
      ]),
    ).toEqual({
      command: 'status',
      backendUrl: 'https://bs.example.com',
      output: 'json',
    });
  });

  it('reads logout for one backend or all, with or without revoking', () => {
    expect(parseCommandLine(['logout', '--all'])).toEqual({
      command: 'logout',
      backendUrl: undefined,
      revoke: false,
      tokenCommand: undefined,
      certificateAuthority: undefined,
    });
    expect(
      parseCommandLine([
        'logout',
        '--backend-url',
        'https://bs.example.com',
        '--revoke',
      ]),
    ).toMatchObject({ backendUrl: 'https://bs.example.com', revoke: true });
    expect(parseCommandLine(['--version'])).toEqual({
      command: 'help',
      version: true,
    });
  });

  it('answers help for the CLI and for each command', () => {
    for (const args of [[], ['--help'], ['-h'], ['help']]) {
      expect(parseCommandLine(args)).toEqual({
        command: 'help',
        text: expect.stringContaining('Commands:'),
      });
    }
    expect(parseCommandLine(['login', '--help'])).toEqual({
      command: 'help',
      text: expect.stringContaining('Usage: cluster-access login'),
    });
    expect(parseCommandLine(['help', 'credential'])).toEqual({
      command: 'help',
      text: expect.stringContaining('Usage: cluster-access credential'),
    });
    // Help wins over what else is wrong on the line.
    expect(parseCommandLine(['status', '-h'])).toMatchObject({
      command: 'help',
    });
  });

  it.each([
    [['logon'], "Unknown command 'logon'", 'Commands:'],
    [['help', 'logon'], "Unknown command 'logon'", 'Commands:'],
    [
      ['login', '--backend-url', 'https://a', '--verbose'],
      "Unknown option '--verbose'",
      'Usage: cluster-access login',
    ],
    [['login'], '--backend-url is required', 'Usage: cluster-access login'],
    [
      ['login', '--backend-url'],
      "Option '--backend-url <value>' argument missing",
      'Usage: cluster-access login',
    ],
    [
      ['login', '--backend-url', 'https://a', 'extra'],
      "Unexpected argument 'extra'",
      'Usage: cluster-access login',
    ],
    [
      ['login', '--backend-url', 'https://a', '--exec', '--embed'],
      '--exec and --embed exclude each other',
      'Usage: cluster-access login',
    ],
    [
      [
        'login',
        '--backend-url',
        'https://a',
        '--embed',
        '--min-remaining',
        '5m',
      ],
      '--min-remaining only applies with --exec',
      'Usage: cluster-access login',
    ],
    [
      ['login', '--backend-url', 'https://a', '--ttl', '30s'],
      '--ttl must be at least 60s, got 30s',
      'Usage: cluster-access login',
    ],
    [
      ['credential', '--backend-url', 'https://a', '--ttl', 'soon'],
      "--ttl: 'soon' is not a duration",
      'Usage: cluster-access credential',
    ],
    [
      ['credential', '--backend-url', 'https://a', '--key-type', 'ed25519'],
      "--key-type must be one of ecdsa-p256, ecdsa-p384, rsa-2048, got 'ed25519'",
      'Usage: cluster-access credential',
    ],
    [
      ['credential', '--backend-url', 'ftp://a'],
      "--backend-url: 'ftp://a' is not an http(s) URL",
      'Usage: cluster-access credential',
    ],
    [
      ['status', '--backend-url', ''],
      '--backend-url needs a value',
      'Usage: cluster-access status',
    ],
    [
      ['status', '-o', 'yaml'],
      "--output must be text or json, got 'yaml'",
      'Usage: cluster-access status',
    ],
    [
      ['login', '--backend-url', 'https://a', '--kubeconfig', 'k', '-o', 'f'],
      '--kubeconfig names the kubeconfig to merge into and -o a separate file to write',
      'Usage: cluster-access login',
    ],
    [
      ['login', '--backend-url', 'https://a', '-o', '-', '--set-current'],
      '--set-current only applies when merging',
      'Usage: cluster-access login',
    ],
    [
      ['logout', '--all', '--backend-url', 'https://a'],
      'give either --backend-url URL or --all',
      'Usage: cluster-access logout',
    ],
    [
      ['logout', '--all', '--token-command', 'x'],
      '--token-command only applies with --revoke',
      'Usage: cluster-access logout',
    ],
  ])('refuses %j with exit code 2 and the usage', (args, message, usage) => {
    const error = usageError(args);
    expect(error.message).toContain(message);
    expect(error.exitCode).toBe(2);
    expect(error.usage).toContain(usage);
  });
});

describe('normalizeBackendUrl', () => {
  it('keeps scheme, host, port and base path, without a trailing slash', () => {
    expect(normalizeBackendUrl('https://BS.example.com:443/')).toBe(
      'https://bs.example.com',
    );
    expect(normalizeBackendUrl('https://bs.example.com:8443/backstage//')).toBe(
      'https://bs.example.com:8443/backstage',
    );
    expect(normalizeBackendUrl('http://127.0.0.1:7007')).toBe(
      'http://127.0.0.1:7007',
    );
    expect(normalizeBackendUrl('http://[::1]:7007/')).toBe('http://[::1]:7007');
  });

  it('refuses plain http to another machine, since the token would travel in clear', () => {
    expect(() => normalizeBackendUrl('http://bs.example.com')).toThrow(
      'uses plain http',
    );
  });

  it('refuses what is not just a base URL', () => {
    expect(() => normalizeBackendUrl('bs.example.com')).toThrow('is not a URL');
    expect(() => normalizeBackendUrl('https://u:p@bs.example.com')).toThrow(
      'without credentials, query or fragment',
    );
    expect(() => normalizeBackendUrl('https://bs.example.com/?x=1')).toThrow(
      'without credentials, query or fragment',
    );
  });
});
