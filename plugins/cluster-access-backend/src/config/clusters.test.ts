import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import { checkCatalogApiServerUrl } from './catalogClusters';
import { LiveClusterDirectory } from './ClusterDirectory';
import { readClusterAccessSettings } from './readClusterAccessSettings';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const read = (config: JsonObject) =>
  readClusterAccessSettings(new ConfigReader(config));

function kubernetes(...methods: JsonObject[]): JsonObject {
  return { clusterLocatorMethods: methods };
}

function entity(
  name: string,
  annotations: Record<string, string>,
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace,
      annotations: {
        'kubernetes.io/api-server': `https://${name}.example.com`,
        'kubernetes.io/api-server-certificate-authority': b64(PEM),
        'kubernetes.io/auth-provider': 'oidc',
        ...annotations,
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'platform' },
  };
}

describe('clusters of the Kubernetes plugin config', () => {
  it('takes name, url and CA, never its token, and adds clusterAccess.clusters entries', () => {
    const settings = read({
      kubernetes: kubernetes({
        type: 'config',
        clusters: [
          {
            name: 'dev',
            url: 'https://dev.example.com/',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'the-kubernetes-plugins-token',
            caData: b64(PEM),
            skipTLSVerify: true,
          },
          {
            name: 'prod',
            url: 'https://prod.example.com',
            authProvider: 'aws',
          },
        ],
      }),
      clusterAccess: {
        clusters: [
          { name: 'dev', title: 'Dev', serviceAccountTokenFile: '/t' },
          { name: 'own', url: 'https://own.example.com' },
        ],
      },
    });
    expect(settings.clusters).toEqual([
      {
        name: 'dev',
        title: 'Dev',
        url: 'https://dev.example.com',
        caPem: PEM,
        credentials: { type: 'tokenFile', tokenFile: '/t' },
      },
      { name: 'prod', url: 'https://prod.example.com' },
      { name: 'own', url: 'https://own.example.com' },
    ]);
    expect(settings.clusterSources.skipTlsVerifyIgnored).toEqual(['dev']);
    expect(settings.clusterSources.catalog).toBeUndefined();
    // Tiers without clusters are offered on every config cluster.
    expect(settings.namespaces.tiers[0].clusters).toEqual([
      'dev',
      'prod',
      'own',
    ]);
  });

  it.each([
    [
      { clusterAccess: { clusters: [{ name: 'qa' }] } },
      /clusters\[0\] \(qa\) has no url, and no cluster of that name/,
    ],
    [
      {
        kubernetes: kubernetes({
          type: 'config',
          clusters: [{ name: 'dev', url: 'https://a', authProvider: 'aws' }],
        }),
        clusterAccess: { clusters: [{ name: 'dev', url: 'https://b' }] },
      },
      /url https:\/\/b differs from kubernetes.clusterLocatorMethods' https:\/\/a/,
    ],
    [
      {
        kubernetes: kubernetes({ type: 'catalog' }),
        clusterAccess: {
          clusters: [{ name: 'qa', serviceAccountToken: 'secret' }],
        },
      },
      /a catalog cluster gets a service-account token only with caFile or caData/,
    ],
    [
      {
        kubernetes: kubernetes({
          type: 'config',
          clusters: [
            { name: 'a', url: 'https://a', authProvider: 'aws' },
            { name: 'a', url: 'https://b', authProvider: 'aws' },
          ],
        }),
      },
      /duplicate cluster name 'a'/,
    ],
    [
      {
        kubernetes: kubernetes({ type: 'catalog' }),
        clusterAccess: {
          clusters: [{ name: 'qa' }],
          tiers: [{ name: 'dev', approval: 'none', clusters: ['prod'] }],
        },
      },
      /unknown clusters prod/,
    ],
    [
      {
        clusterAccess: {
          clusters: [{ name: 'a', url: 'https://a', tiers: ['prod'] }],
        },
      },
      /clusters\[0\] \(a\): unknown tiers prod/,
    ],
  ])('refuses %#', (config, message) => {
    expect(() => read(config as JsonObject)).toThrow(message);
  });
});

describe('tiers bound to clusters', () => {
  it('offers a tier on a cluster when both the tier and the cluster allow it', () => {
    const { tiers } = read({
      kubernetes: kubernetes({ type: 'catalog' }),
      clusterAccess: {
        clusters: [
          { name: 'dev', url: 'https://dev', tiers: ['dev'] },
          { name: 'qa', tiers: ['qa', 'dev'] },
          { name: 'any', url: 'https://any' },
        ],
        tiers: [
          { name: 'dev', approval: 'none', clusters: ['dev', 'any'] },
          { name: 'qa', approval: 'required' },
        ],
      },
    }).namespaces;
    expect(tiers.map(t => [t.name, t.clusters])).toEqual([
      ['dev', ['dev', 'any']],
      ['qa', ['any', 'qa']],
    ]);
  });
});

describe('durations', () => {
  it('accepts HumanDuration forms and the older numbers, not both', () => {
    const certs = (certificates: JsonObject) =>
      read({ clusterAccess: { certificates } }).certificates;
    expect(certs({ defaultTtl: '2h', maxTtl: { hours: 12 } })).toMatchObject({
      defaultTtlSeconds: 7200,
      maxTtlSeconds: 43200,
    });
    expect(certs({ defaultTtl: 'PT30M' }).defaultTtlSeconds).toBe(1800);
    expect(certs({ defaultTtlSeconds: 60 }).defaultTtlSeconds).toBe(60);
    expect(() => certs({ defaultTtl: '1h', defaultTtlSeconds: 60 })).toThrow(
      'clusterAccess.certificates: set defaultTtl or defaultTtlSeconds, not both',
    );
    expect(() => certs({ defaultTtl: 'soon' })).toThrow(
      /clusterAccess.certificates.defaultTtl/,
    );
    const vault = (extra: JsonObject) =>
      read({
        clusterAccess: {
          vault: {
            address: 'https://v',
            auth: { method: 'token', token: 't' },
            ...extra,
          },
        },
      }).vault?.timeoutMs;
    expect(vault({ timeout: '10s' })).toBe(10_000);
    expect(vault({ timeoutMs: 250 })).toBe(250);
    expect(vault({})).toBe(5000);
  });
});

describe('catalog clusters', () => {
  const resolveTo = (address: string) => async () => [address];

  it.each([
    ['http://k.example.com', /must be an https URL/],
    ['https://u:p@k.example.com', /must not contain credentials/],
    ['https://10.0.0.1:6443', /host 10.0.0.1 is not a public address/],
    ['https://[::1]:6443', /host ::1 is not a public address/],
    ['https://169.254.169.254', /not a public address/],
  ])('refuses the API server %s', async (url, message) => {
    await expect(
      checkCatalogApiServerUrl(url, [], resolveTo('8.8.8.8')),
    ).rejects.toThrow(message);
  });

  it('refuses a name that resolves to a private address unless allowed', async () => {
    await expect(
      checkCatalogApiServerUrl(
        'https://k.internal',
        [],
        resolveTo('192.168.1.2'),
      ),
    ).rejects.toThrow(/not a public address/);
    await expect(
      checkCatalogApiServerUrl(
        'https://k.internal/',
        ['*.internal'],
        resolveTo('192.168.1.2'),
      ),
    ).resolves.toBe('https://k.internal');
  });

  function directory(entities: Entity[], extra: JsonObject = {}) {
    let catalog: Pick<
      ReturnType<typeof catalogServiceMock>,
      'getEntities'
    > = catalogServiceMock({ entities });
    const logger = mockServices.logger.mock();
    const settings = read({
      kubernetes: kubernetes({ type: 'catalog' }),
      clusterAccess: {
        clusters: [
          { name: 'qa', caData: b64('PINNED'), serviceAccountToken: 's' },
          { name: 'static', url: 'https://static.example.com' },
        ],
        ...extra,
      },
    });
    const dir = new LiveClusterDirectory({
      sources: settings.clusterSources,
      logger,
      catalog: { getEntities: (...args) => catalog.getEntities(...args) },
      auth: mockServices.auth(),
      resolve: resolveTo('8.8.8.8'),
    });
    return {
      dir,
      logger,
      setEntities: (next: Entity[]) => {
        catalog = catalogServiceMock({ entities: next });
      },
      failCatalog: () => {
        catalog = {
          getEntities: async () => {
            throw new Error('catalog down');
          },
        };
      },
    };
  }

  it('reads kubernetes-cluster Resources, applies entries, and follows the catalog', async () => {
    const { dir, setEntities, logger } = directory([
      entity('qa', {}),
      entity('viewer', {}),
      entity('static', {}),
      entity('bad-ca', {
        'kubernetes.io/api-server-certificate-authority': b64('not a PEM'),
      }),
      { ...entity('not-a-cluster', {}), spec: { type: 'database' } },
    ]);
    expect(dir.list().map(c => c.name)).toEqual(['static']);
    await dir.refresh();
    expect(dir.list()).toEqual([
      { name: 'static', url: 'https://static.example.com' },
      {
        name: 'qa',
        url: 'https://qa.example.com',
        // The entry's CA wins over the annotation, and its token is added.
        caPem: 'PINNED',
        credentials: { type: 'token', token: 's' },
      },
      { name: 'viewer', url: 'https://viewer.example.com', caPem: PEM },
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Catalog clusters: resource:default/static is not used: a cluster named static is declared in config',
    );
    expect(logger.warn).toHaveBeenCalledWith(
      'Catalog clusters: resource:default/bad-ca is not used: kubernetes.io/api-server-certificate-authority is not a base64 PEM certificate',
    );

    setEntities([entity('viewer', {})]);
    await dir.refresh();
    expect(dir.get('qa')).toBeUndefined();
    expect(dir.list().map(c => c.name)).toEqual(['static', 'viewer']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/^Catalog cluster qa is gone from the catalog/),
    );
  });

  it('uses neither of two entities that claim one cluster name', async () => {
    const { dir, logger } = directory([
      entity('qa', {}),
      entity(
        'qa',
        { 'kubernetes.io/api-server': 'https://evil.example.com' },
        'other',
      ),
    ]);
    await dir.refresh();
    expect(dir.get('qa')).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      'Catalog clusters: resource:default/qa and resource:other/qa are not used: they declare the same cluster qa',
    );
  });

  it('keeps the last list when the catalog cannot be read', async () => {
    const { dir, failCatalog } = directory([entity('viewer', {})]);
    await dir.refresh();
    failCatalog();
    await expect(dir.refresh()).rejects.toThrow('catalog down');
    expect(dir.list().map(c => c.name)).toEqual(['static', 'viewer']);
  });
});
