import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readClusterAccessSettings } from './readClusterAccessSettings';

describe('readClusterAccessSettings', () => {
  const mockDir = createMockDirectory();

  it('applies defaults and leaves Vault off when it is not configured', () => {
    expect(readClusterAccessSettings(new ConfigReader({}))).toMatchObject({
      certificates: {
        defaultTtlSeconds: 28800,
        maxTtlSeconds: 86400,
        usernameFormat: '{{name}}',
        groupPrefix: '',
        includeVaultGroups: true,
        allowedGroups: [],
        deniedGroups: [],
      },
      vault: undefined,
      clusters: [],
    });
  });

  it('reads Vault, each auth method and clusters with CA files', () => {
    mockDir.setContent({ 'ca.pem': 'CA PEM\n', 'vault-ca.pem': 'ISSUER\n' });
    const read = (auth: object) =>
      readClusterAccessSettings(
        new ConfigReader({
          clusterAccess: {
            certificates: {
              groupPrefix: 'acme:',
              allowedGroups: ['acme:*'],
              deniedGroups: ['acme:cluster-admins'],
            },
            vault: {
              address: 'https://vault.example.com:8200/',
              pkiMount: '/pki-k8s/',
              caFile: mockDir.resolve('vault-ca.pem'),
              identity: { aliasMountPath: 'oidc/' },
              auth,
            },
            clusters: [
              {
                name: 'a',
                url: 'https://a:6443',
                caFile: mockDir.resolve('ca.pem'),
              },
              {
                name: 'b',
                title: 'B',
                url: 'https://b:6443',
                caData: 'Q0E=',
                token: 'for later',
              },
            ],
          },
        }),
      );
    const config = read({ method: 'token', token: 's.secret' });
    expect(config.vault).toEqual({
      address: 'https://vault.example.com:8200',
      pkiMount: 'pki-k8s',
      role: 'kubernetes-client',
      timeoutMs: 5000,
      caPem: 'ISSUER\n',
      tlsCaPem: undefined,
      identity: { aliasMountPath: 'oidc', cacheTtlSeconds: 30 },
      auth: { method: 'token', token: 's.secret' },
    });
    expect(config.certificates.allowedGroups).toEqual(['acme:*']);
    expect(config.certificates.deniedGroups).toEqual(['acme:cluster-admins']);
    expect(config.clusters).toEqual([
      { name: 'a', url: 'https://a:6443', caPem: 'CA PEM\n' },
      { name: 'b', title: 'B', url: 'https://b:6443', caPem: 'CA' },
    ]);
    expect(
      read({ method: 'kubernetes', kubernetes: { role: 'backstage' } }).vault
        ?.auth,
    ).toEqual({
      method: 'kubernetes',
      mount: 'kubernetes',
      role: 'backstage',
      jwtFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    });
    expect(
      read({ method: 'approle', approle: { roleId: 'r', secretId: 's' } }).vault
        ?.auth,
    ).toEqual({
      method: 'approle',
      mount: 'approle',
      roleId: 'r',
      secretId: 's',
    });
    expect(
      read({ method: 'tokenFile', tokenFile: '/vault/token' }).vault?.auth,
    ).toEqual({
      method: 'tokenFile',
      tokenFile: '/vault/token',
    });
  });

  it.each([
    [
      { certificates: { defaultTtlSeconds: 0 } },
      /defaultTtlSeconds' must be a positive integer/,
    ],
    [
      { certificates: { defaultTtlSeconds: 7200, maxTtlSeconds: 3600 } },
      /exceeds the maximum/,
    ],
    [
      { certificates: { usernameFormat: '{{email}}' } },
      /usernameFormat must be one of/,
    ],
    [
      { certificates: { usernameFormat: '{{namespace}}-{{name}}' } },
      /no longer supported.*Use '\{\{namespace\}\}\/\{\{name\}\}'/,
    ],
    [
      { certificates: { groupPrefix: 'Team A/' } },
      /groupPrefix must be at most 32 characters/,
    ],
    [{ certificates: { deniedGroups: [' '] } }, /must not contain empty/],
    [
      {
        vault: { address: 'vault:8200', auth: { method: 'token', token: 't' } },
      },
      /must be an http\(s\) URL/,
    ],
    [
      { vault: { address: 'http://v', auth: { method: 'ldap' } } },
      /auth.method must be one of/,
    ],
    [
      {
        vault: {
          address: 'http://v',
          auth: { method: 'approle', approle: { roleId: 'r' } },
        },
      },
      /secretId/,
    ],
    [
      {
        vault: {
          address: 'http://v',
          caFile: '/does/not/exist',
          auth: { method: 'token', token: 't' },
        },
      },
      /cannot read 'clusterAccess.vault.caFile'/,
    ],
    [{ clusters: [{ name: 'a', url: 'not a url' }] }, /is not a URL/],
    [
      {
        clusters: [
          { name: 'a', url: 'https://a', caFile: '/x', caData: 'eA==' },
        ],
      },
      /caFile or caData, not both/,
    ],
    [
      {
        clusters: [
          { name: 'a', url: 'https://a' },
          { name: 'a', url: 'https://b' },
        ],
      },
      /duplicate name 'a'/,
    ],
  ])('refuses bad config %#', (clusterAccess, message) => {
    expect(() =>
      readClusterAccessSettings(new ConfigReader({ clusterAccess })),
    ).toThrow(message);
  });
});
