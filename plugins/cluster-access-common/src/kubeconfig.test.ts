/**
 * @jest-environment node
 */
import 'reflect-metadata';
import {
  BasicConstraintsExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { parse } from 'yaml';
import { generateClientKeyAndCsr } from './csr';
import {
  buildExecKubeconfig,
  kubeconfigFileName,
  kubeconfigMergeInstructions,
  kubeconfigNames,
} from './kubeconfig';
import { buildExecCredential, buildKubeconfig } from './kubeconfigCertificates';
import { ClusterInfo } from './types';

const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function keys() {
  return (await crypto.subtle.generateKey(ec, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
}

/** root → intermediate → client, like a Vault PKI mount under an offline root. */
async function pki() {
  const rootKeys = await keys();
  const root = await X509CertificateGenerator.createSelfSigned(
    {
      name: 'CN=Test Root',
      keys: rootKeys,
      signingAlgorithm: ec,
      extensions: [new BasicConstraintsExtension(true, undefined, true)],
    },
    crypto,
  );
  const intermediateKeys = await keys();
  const intermediate = await X509CertificateGenerator.create(
    {
      subject: 'CN=Test Intermediate',
      issuer: root.subject,
      publicKey: intermediateKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: ec,
      extensions: [new BasicConstraintsExtension(true, 0, true)],
    },
    crypto,
  );
  const client = await generateClientKeyAndCsr({
    username: 'alice',
    groups: ['payments'],
  });
  const clientKeys = await keys();
  const leaf = await X509CertificateGenerator.create(
    {
      subject: 'CN=alice, O=payments',
      issuer: intermediate.subject,
      publicKey: clientKeys.publicKey,
      signingKey: intermediateKeys.privateKey,
      signingAlgorithm: ec,
    },
    crypto,
  );
  return {
    root: root.toString('pem'),
    intermediate: intermediate.toString('pem'),
    leaf: leaf.toString('pem'),
    privateKeyPem: client.privateKeyPem,
  };
}

const clusters: ClusterInfo[] = [
  {
    name: 'dev',
    title: 'Development',
    server: 'https://dev.example.com:6443',
    certificateAuthorityData: 'ZGV2LWNh',
  },
  {
    name: 'prod',
    server: 'https://prod.example.com:6443',
    certificateAuthorityData: 'cHJvZC1jYQ==',
  },
];

function decode(data: string): string {
  return Buffer.from(data, 'base64').toString('utf8');
}

describe('buildKubeconfig', () => {
  let certs: Awaited<ReturnType<typeof pki>>;
  beforeAll(async () => {
    certs = await pki();
  });

  it('writes one cluster, context and user per cluster, with the certificate and key embedded', () => {
    const yaml = buildKubeconfig({
      username: 'alice',
      certificatePem: certs.leaf,
      caChain: [certs.intermediate, certs.root],
      privateKeyPem: certs.privateKeyPem,
      clusters,
    });
    const config = parse(yaml);

    expect(Object.keys(config)).toEqual([
      'apiVersion',
      'clusters',
      'contexts',
      'current-context',
      'kind',
      'preferences',
      'users',
    ]);
    expect(config.apiVersion).toBe('v1');
    expect(config.kind).toBe('Config');
    expect(config.preferences).toEqual({});
    expect(config.clusters).toEqual([
      {
        name: 'dev',
        cluster: {
          server: 'https://dev.example.com:6443',
          'certificate-authority-data': 'ZGV2LWNh',
        },
      },
      {
        name: 'prod',
        cluster: {
          server: 'https://prod.example.com:6443',
          'certificate-authority-data': 'cHJvZC1jYQ==',
        },
      },
    ]);
    expect(config.contexts).toEqual([
      { name: 'dev', context: { cluster: 'dev', user: 'alice@dev' } },
      { name: 'prod', context: { cluster: 'prod', user: 'alice@prod' } },
    ]);
    expect(config['current-context']).toBe('dev');
    expect(config.users.map((u: { name: string }) => u.name)).toEqual([
      'alice@dev',
      'alice@prod',
    ]);

    for (const { user } of config.users) {
      // The client certificate, then the intermediate; the root is left out.
      expect(decode(user['client-certificate-data'])).toBe(
        `${certs.leaf}\n${certs.intermediate}\n`,
      );
      expect(decode(user['client-key-data'])).toBe(certs.privateKeyPem);
      expect(Object.keys(user)).toEqual([
        'client-certificate-data',
        'client-key-data',
      ]);
    }
    const chain = decode(config.users[0].user['client-certificate-data']);
    const [first] = chain.split(/(?<=-----END CERTIFICATE-----\n)/);
    expect(new X509Certificate(first).subject).toBe('CN=alice, O=payments');
  });

  it('is deterministic, whatever the input’s line endings and wrapping', () => {
    const options = {
      username: 'alice',
      certificatePem: certs.leaf,
      caChain: [certs.intermediate],
      privateKeyPem: certs.privateKeyPem,
      clusters,
    };
    const first = buildKubeconfig(options);
    expect(buildKubeconfig(options)).toBe(first);
    expect(
      buildKubeconfig({
        ...options,
        certificatePem: `${certs.leaf.replace(/\n/g, '\r\n')}\r\n\r\n`,
        // Vault may hand back the chain as a single bundle.
        caChain: [`${certs.intermediate}\n${certs.root}`],
        privateKeyPem: certs.privateKeyPem.trim(),
      }),
    ).toBe(first);
  });

  it('sets the current context it is asked for, and leaves out a missing CA', () => {
    const config = parse(
      buildKubeconfig({
        username: 'alice',
        certificatePem: certs.leaf,
        privateKeyPem: certs.privateKeyPem,
        clusters: [
          clusters[0],
          { name: 'lab', server: 'https://lab.example.com' },
        ],
        currentCluster: 'lab',
      }),
    );
    expect(config['current-context']).toBe('lab');
    expect(config.clusters[1]).toEqual({
      name: 'lab',
      cluster: { server: 'https://lab.example.com' },
    });
    // No chain given: the client certificate alone.
    expect(decode(config.users[0].user['client-certificate-data'])).toBe(
      `${certs.leaf}\n`,
    );
  });

  it('quotes names that YAML would otherwise read as other types', () => {
    const config = parse(
      buildKubeconfig({
        username: 'alice',
        certificatePem: certs.leaf,
        privateKeyPem: certs.privateKeyPem,
        clusters: [{ name: '2024', server: 'https://a.example.com' }],
      }),
    );
    expect(config.clusters[0].name).toBe('2024');
    expect(config['current-context']).toBe('2024');
  });

  it('refuses inputs that would give a broken file', () => {
    const base = {
      username: 'alice',
      certificatePem: certs.leaf,
      privateKeyPem: certs.privateKeyPem,
      clusters,
    };
    expect(() => buildKubeconfig({ ...base, clusters: [] })).toThrow(
      'at least one cluster',
    );
    expect(() =>
      buildKubeconfig({ ...base, clusters: [clusters[0], clusters[0]] }),
    ).toThrow("Cluster 'dev' is listed twice");
    expect(() => buildKubeconfig({ ...base, currentCluster: 'qa' })).toThrow(
      "Unknown current cluster 'qa'",
    );
    expect(() =>
      buildKubeconfig({ ...base, certificatePem: certs.privateKeyPem }),
    ).toThrow('exactly one PEM CERTIFICATE');
    expect(() =>
      buildKubeconfig({
        ...base,
        certificatePem: `${certs.leaf}${certs.intermediate}`,
      }),
    ).toThrow('exactly one PEM CERTIFICATE');
    expect(() =>
      buildKubeconfig({ ...base, privateKeyPem: certs.leaf }),
    ).toThrow('The private key must be exactly one unencrypted PEM block');
    expect(() =>
      buildKubeconfig({ ...base, caChain: [certs.privateKeyPem] }),
    ).toThrow('CA chain entry 1 holds a PRIVATE KEY');
  });
});

describe('kubeconfigNames', () => {
  it('names the context after the cluster and the user after both', () => {
    expect(kubeconfigNames({ username: 'alice', cluster: 'prod' })).toEqual({
      cluster: 'prod',
      context: 'prod',
      user: 'alice@prod',
    });
  });
});

describe('kubeconfigFileName', () => {
  it('makes a file name that is safe unquoted in a shell', () => {
    expect(kubeconfigFileName({ username: 'alice' })).toBe(
      'alice-kubeconfig.yaml',
    );
    expect(kubeconfigFileName({ username: 'a b/../$(rm -rf)' })).toBe(
      'a-b-..---rm--rf--kubeconfig.yaml',
    );
  });
});

describe('kubeconfigMergeInstructions', () => {
  it('tries the file, then merges it into ~/.kube/config with the new file first', () => {
    const text = kubeconfigMergeInstructions({
      fileName: 'alice-kubeconfig.yaml',
      context: 'dev',
    });
    const commands = text.split('\n').filter(l => l && !l.startsWith('#'));
    expect(commands).toEqual([
      'kubectl --kubeconfig "$HOME/Downloads/alice-kubeconfig.yaml" auth whoami',
      'mkdir -p "$HOME/.kube"',
      'cp "$HOME/.kube/config" "$HOME/.kube/config.bak" 2>/dev/null',
      '(umask 077 && KUBECONFIG="$HOME/Downloads/alice-kubeconfig.yaml:$HOME/.kube/config" kubectl config view --flatten > "$HOME/.kube/config.new") && mv "$HOME/.kube/config.new" "$HOME/.kube/config"',
      'kubectl auth whoami',
    ]);
    expect(text).toContain('"dev"\n# becomes the current context');
  });

  it('keeps odd names from escaping their quotes or comments', () => {
    const text = kubeconfigMergeInstructions({
      fileName: 'x"$(id)`.yaml',
      context: 'dev\nrm -rf ~',
      directory: '/tmp/dl/',
    });
    expect(text).toContain(
      'kubectl --kubeconfig "/tmp/dl/x\\"\\$(id)\\`.yaml" auth whoami',
    );
    expect(text.split('\n').filter(l => l.startsWith('rm'))).toEqual([]);
  });
});

describe('buildExecKubeconfig', () => {
  const base = {
    username: 'alice',
    clusters,
    command: 'cluster-access',
    args: ['credential', '--backend-url', 'https://backstage.example.com'],
  };

  it('gives every user the exec plugin, with the names and clusters of the embedded kubeconfig', async () => {
    const certs = await pki();
    const embedded = parse(
      buildKubeconfig({
        username: 'alice',
        certificatePem: certs.leaf,
        privateKeyPem: certs.privateKeyPem,
        clusters,
      }),
    );
    const config = parse(
      buildExecKubeconfig({
        ...base,
        installHint: 'Install @cluster-access/cli',
      }),
    );
    expect(config.clusters).toEqual(embedded.clusters);
    expect(config.contexts).toEqual(embedded.contexts);
    expect(config['current-context']).toBe('dev');
    expect(config.users).toEqual(
      ['alice@dev', 'alice@prod'].map(name => ({
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'cluster-access',
            args: [
              'credential',
              '--backend-url',
              'https://backstage.example.com',
            ],
            env: null,
            installHint: 'Install @cluster-access/cli',
            interactiveMode: 'Never',
            provideClusterInfo: false,
          },
        },
      })),
    );
  });

  it('passes environment variables as kubectl expects them, and the interactive mode asked for', () => {
    const config = parse(
      buildExecKubeconfig({
        ...base,
        env: { CLUSTER_ACCESS_TOKEN_COMMAND: 'pass show backstage' },
        interactiveMode: 'IfAvailable',
        currentCluster: 'prod',
      }),
    );
    expect(config['current-context']).toBe('prod');
    expect(config.users[0].user.exec.env).toEqual([
      { name: 'CLUSTER_ACCESS_TOKEN_COMMAND', value: 'pass show backstage' },
    ]);
    expect(config.users[0].user.exec.interactiveMode).toBe('IfAvailable');
  });

  it('is deterministic and keeps arguments that YAML would read as other types', () => {
    const options = { ...base, args: ['credential', '--ttl', '8', 'yes'] };
    const yaml = buildExecKubeconfig(options);
    expect(buildExecKubeconfig(options)).toBe(yaml);
    expect(parse(yaml).users[0].user.exec.args).toEqual([
      'credential',
      '--ttl',
      '8',
      'yes',
    ]);
  });

  it('refuses inputs that would give a broken file', () => {
    expect(() => buildExecKubeconfig({ ...base, command: '' })).toThrow(
      'needs a command',
    );
    expect(() => buildExecKubeconfig({ ...base, username: '' })).toThrow(
      'A username is required',
    );
    expect(() => buildExecKubeconfig({ ...base, clusters: [] })).toThrow(
      'at least one cluster',
    );
    expect(() =>
      buildExecKubeconfig({ ...base, clusters: [clusters[0], clusters[0]] }),
    ).toThrow("Cluster 'dev' is listed twice");
    expect(() =>
      buildExecKubeconfig({ ...base, currentCluster: 'qa' }),
    ).toThrow("Unknown current cluster 'qa'");
    expect(() => buildExecKubeconfig({ ...base, env: { 'A=B': 'x' } })).toThrow(
      "'A=B' is not a valid environment variable name",
    );
  });
});

describe('buildExecCredential', () => {
  it('carries the embedded kubeconfig’s certificate data and the certificate’s NotAfter', async () => {
    const certs = await pki();
    const credential = buildExecCredential({
      certificatePem: certs.leaf,
      caChain: [certs.intermediate, certs.root],
      privateKeyPem: certs.privateKeyPem,
    });
    const embedded = parse(
      buildKubeconfig({
        username: 'alice',
        certificatePem: certs.leaf,
        caChain: [certs.intermediate, certs.root],
        privateKeyPem: certs.privateKeyPem,
        clusters,
      }),
    ).users[0].user;
    expect(credential.apiVersion).toBe('client.authentication.k8s.io/v1');
    expect(credential.kind).toBe('ExecCredential');
    expect(credential.status.clientCertificateData).toBe(
      decode(embedded['client-certificate-data']),
    );
    expect(credential.status.clientKeyData).toBe(
      decode(embedded['client-key-data']),
    );
    const notAfter = new X509Certificate(certs.leaf).notAfter;
    expect(credential.status.expirationTimestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(Date.parse(credential.status.expirationTimestamp)).toBe(
      notAfter.getTime(),
    );
  });

  it('refuses what is not a certificate and a key', async () => {
    const certs = await pki();
    expect(() =>
      buildExecCredential({
        certificatePem: certs.privateKeyPem,
        privateKeyPem: certs.privateKeyPem,
      }),
    ).toThrow('exactly one PEM CERTIFICATE');
    expect(() =>
      buildExecCredential({
        certificatePem: certs.leaf,
        privateKeyPem: certs.leaf,
      }),
    ).toThrow('The private key must be exactly one unencrypted PEM block');
  });
});
