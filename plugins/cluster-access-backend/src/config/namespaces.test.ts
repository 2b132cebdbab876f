import { ConfigReader } from '@backstage/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '@backstage/config';
import { readClusterAccessSettings } from './readClusterAccessSettings';

/** The namespace part of the settings, with what namespaces read of the rest. */
function readNamespacesConfig(config: Config) {
  const settings = readClusterAccessSettings(config);
  return {
    ...settings.namespaces,
    clusters: settings.clusters,
    usernameFormat: settings.certificates.usernameFormat,
    groupPrefix: settings.certificates.groupPrefix,
  };
}

const cluster = {
  name: 'sandbox',
  url: 'https://127.0.0.1:6443/',
  serviceAccountToken: 'secret-token',
};

function read(clusterAccess: object) {
  return readNamespacesConfig(new ConfigReader({ clusterAccess }));
}

describe('readNamespacesConfig', () => {
  it('ships dev and qa tiers on every cluster by default', () => {
    const config = read({
      clusters: [cluster, { name: 'other', url: 'https://other' }],
    });
    expect(config.tiers.map(t => [t.name, t.approval, t.clusters])).toEqual([
      ['dev', 'none', ['sandbox', 'other']],
      ['qa', 'required', ['sandbox', 'other']],
    ]);
    expect(config.clusters).toEqual([
      {
        name: 'sandbox',
        url: 'https://127.0.0.1:6443',
        credentials: { type: 'token', token: 'secret-token' },
      },
      { name: 'other', url: 'https://other' },
    ]);
    expect(config.pendingExpiryMs).toBe(7 * 86_400_000);
    expect(config.usernameFormat).toBe('{{name}}');
    expect(config.delegableClusterRoles).toEqual(['view', 'edit']);
  });

  it('reads configured tiers, durations and credentials', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-config-'));
    writeFileSync(join(dir, 'ca.pem'), 'PEM');
    const config = read({
      certificates: { usernameFormat: '{{namespace}}/{{name}}' },
      clusters: [
        {
          name: 'prod',
          url: 'https://prod',
          caFile: join(dir, 'ca.pem'),
          serviceAccountTokenFile: join(dir, 'token'),
        },
      ],
      requests: { pendingExpiry: 'P2D' },
      reconcile: { frequency: { minutes: 1 } },
      tiers: [
        {
          name: 'team',
          approval: 'required',
          namingPattern: 'team-{group}',
          resourceQuota: { pods: 10, 'requests.cpu': '1500m' },
          limitRange: { default: { cpu: '1' } },
          networkPolicy: false,
          podSecurity: { enforce: 'restricted' },
          labels: { 'cost-center': '42' },
          annotations: { 'example.com/contact': 'ops@example.com' },
          nonMemberBindings: 'remove',
          extraMemberMaxLifetime: 'P30D',
        },
        { name: 'short', approval: 'none', extraMemberMaxLifetime: '12h' },
        {
          name: 'human',
          approval: 'none',
          extraMemberMaxLifetime: { days: 1, hours: 2 },
        },
      ],
    });
    expect(config.clusters[0]).toEqual({
      name: 'prod',
      url: 'https://prod',
      caPem: 'PEM',
      credentials: { type: 'tokenFile', tokenFile: join(dir, 'token') },
    });
    expect(config.pendingExpiryMs).toBe(2 * 86_400_000);
    expect(config.reconcile.frequency).toEqual({ minutes: 1 });
    expect(config.usernameFormat).toBe('{{namespace}}/{{name}}');
    expect(config.tiers).toEqual([
      {
        name: 'team',
        title: 'team',
        approval: 'required',
        clusters: ['prod'],
        namingPattern: 'team-{group}',
        resourceQuota: { pods: '10', 'requests.cpu': '1500m' },
        limitRange: { default: { cpu: '1' } },
        networkPolicy: false,
        podSecurity: { enforce: 'restricted', warn: 'restricted' },
        labels: { 'cost-center': '42' },
        annotations: { 'example.com/contact': 'ops@example.com' },
        nonMemberBindings: 'remove',
        extraMemberMaxLifetimeSeconds: 30 * 86_400,
      },
      expect.objectContaining({
        name: 'short',
        nonMemberBindings: 'report',
        extraMemberMaxLifetimeSeconds: 12 * 3600,
      }),
      expect.objectContaining({
        name: 'human',
        extraMemberMaxLifetimeSeconds: 26 * 3600,
      }),
    ]);
    expect(config.groupPrefix).toBe('');
    // The shipped tiers report kubectl-made bindings and set no lifetime.
    const defaults = read({ clusters: [cluster] }).tiers;
    for (const tier of defaults) {
      expect(tier.nonMemberBindings).toBe('report');
      expect(tier).not.toHaveProperty('extraMemberMaxLifetimeSeconds');
    }
  });

  it.each([
    [{ tiers: [{ name: 'dev', approval: 'maybe' }] }, /tiers.0.approval/],
    [
      { tiers: [{ name: 'dev', approval: 'none', clusters: ['nowhere'] }] },
      /unknown clusters nowhere/,
    ],
    [
      {
        tiers: [
          { name: 'dev', approval: 'none', resourceQuota: { cpu: 'lots' } },
        ],
      },
      /quantity/,
    ],
    [
      {
        tiers: [{ name: 'dev', approval: 'none', namingPattern: '{owner}-x' }],
      },
      /namingPattern/,
    ],
    [
      {
        tiers: [
          {
            name: 'dev',
            approval: 'none',
            labels: { 'app.kubernetes.io/managed-by': 'me' },
          },
        ],
      },
      /set by Cluster Access/,
    ],
    [
      {
        tiers: [
          {
            name: 'dev',
            approval: 'none',
            labels: { 'pod-security.kubernetes.io/enforce': 'privileged' },
          },
        ],
      },
      /set by Cluster Access/,
    ],
    [
      {
        tiers: [
          { name: 'dev', approval: 'none' },
          { name: 'dev', approval: 'none' },
        ],
      },
      /duplicate tier 'dev'/,
    ],
    [{ tiers: [{ name: 'Dev!', approval: 'none' }] }, /short DNS label/],
    [
      { tiers: [{ name: 'dev', approval: 'none', nonMemberBindings: 'warn' }] },
      /tiers.0.nonMemberBindings/,
    ],
    [
      {
        tiers: [
          { name: 'dev', approval: 'none', extraMemberMaxLifetime: 'soon' },
        ],
      },
      /tiers\[0\].extraMemberMaxLifetime: Invalid duration 'soon'/,
    ],
    [
      {
        tiers: [
          {
            name: 'dev',
            approval: 'none',
            extraMemberMaxLifetime: { days: 1, fortnights: 2 },
          },
        ],
      },
      /tiers\[0\].extraMemberMaxLifetime: .*fortnights/,
    ],
    [
      {
        tiers: [
          { name: 'dev', approval: 'none', extraMemberMaxLifetime: 'PT0S' },
        ],
      },
      /extraMemberMaxLifetime must be at least one second/,
    ],
    [{ tiers: [] }, /tiers/],
    [
      { clusters: [{ ...cluster, serviceAccountTokenFile: '/x' }] },
      /serviceAccountToken or serviceAccountTokenFile, not both/,
    ],
    [
      { clusters: [{ ...cluster, caFile: '/nonexistent/ca.pem' }] },
      /cannot read/,
    ],
    [
      { namespaces: { delegableClusterRoles: ['view', 'admin'] } },
      /must not contain admin/,
    ],
    [{ requests: { pendingExpiry: { days: 0 } } }, /positive duration/],
    [{ certificates: { usernameFormat: '{{email}}' } }, /usernameFormat/],
    [
      { certificates: { usernameFormat: '{{namespace}}-{{name}}' } },
      /no longer supported.*'\{\{namespace\}\}\/\{\{name\}\}'/,
    ],
  ])('refuses bad config %#', (extra, message) => {
    expect(() => read({ clusters: [cluster], ...extra })).toThrow(message);
  });
});
