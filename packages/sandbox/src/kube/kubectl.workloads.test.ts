/*
 * `kubectl run` as a member of a namespace set up like a Cluster Access dev tier (Pod
 * Security baseline enforced and restricted warned, a LimitRange with defaults, a
 * ResourceQuota): the answers a real cluster gives inside and outside the namespace, for a
 * privileged pod and over quota.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createClientCertificateAuthority,
  startKubePeer,
  KubePeer,
} from './index';
import { kubectlOk, runKubectl } from './__testUtils__/kubectl';

// Real kubectl and TLS round trips on loaded CI cores run past jest's 5 s default.
jest.setTimeout(30_000);

const tierNamespace = (name: string) =>
  [
    [
      'apiVersion: v1',
      'kind: Namespace',
      `metadata:\n  name: ${name}`,
      '  labels:',
      '    pod-security.kubernetes.io/enforce: baseline',
      '    pod-security.kubernetes.io/warn: restricted',
    ].join('\n'),
    [
      'apiVersion: v1',
      'kind: LimitRange',
      `metadata:\n  name: defaults\n  namespace: ${name}`,
      'spec:\n  limits:\n  - type: Container',
      '    default: {cpu: 500m, memory: 512Mi}',
      '    defaultRequest: {cpu: 100m, memory: 128Mi}',
    ].join('\n'),
    [
      'apiVersion: v1',
      'kind: ResourceQuota',
      `metadata:\n  name: quota\n  namespace: ${name}`,
      'spec:\n  hard: {limits.cpu: "1", requests.memory: 4Gi, pods: "20"}',
    ].join('\n'),
  ].join('\n---\n');

describe('kubectl run against the kube peer', () => {
  let peer: KubePeer;
  let dir: string;
  let aliceConfig: string;

  const alice = (args: string[]) =>
    runKubectl({ dir, kubeconfig: aliceConfig, args });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-peer-run-'));
    const ca = await createClientCertificateAuthority({ commonName: 'run-ca' });
    peer = await startKubePeer({ clientCaPems: [ca.caPem] });
    const cert = await ca.issueClientCertificate({
      commonName: 'alice',
      organizations: ['payments'],
    });
    aliceConfig = join(dir, 'alice.kubeconfig');
    const adminConfig = join(dir, 'admin.kubeconfig');
    await writeFile(
      aliceConfig,
      peer.kubeconfig({
        clientCertificatePem: cert.certificatePem,
        clientKeyPem: cert.privateKeyPem,
      }),
      { mode: 0o600 },
    );
    await writeFile(adminConfig, peer.kubeconfig({ token: peer.adminToken }), {
      mode: 0o600,
    });
    await kubectlOk({
      dir,
      kubeconfig: adminConfig,
      args: ['apply', '-f', '-'],
      input: [tierNamespace('payments-dev'), tierNamespace('search-dev')].join(
        '\n---\n',
      ),
    });
    await kubectlOk({
      dir,
      kubeconfig: adminConfig,
      args: [
        '-n',
        'payments-dev',
        'create',
        'rolebinding',
        'alice-edit',
        '--clusterrole=edit',
        '--user=alice',
      ],
    });
  });

  afterAll(async () => {
    await peer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a pod in the member’s namespace, with defaults and a restricted-level warning', async () => {
    const run = await alice([
      '-n',
      'payments-dev',
      'run',
      'web',
      '--image=nginx',
    ]);
    expect(run).toMatchObject({ code: 0, stdout: 'pod/web created\n' });
    expect(run.stderr).toBe(
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")\n',
    );
    const get = await alice(['-n', 'payments-dev', 'get', 'pods']);
    expect(get.stdout).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nweb\s+0\/1\s+Pending\s+0\s+\d+s\n$/,
    );
    const limits = await alice([
      '-n',
      'payments-dev',
      'get',
      'pod',
      'web',
      '-o',
      'jsonpath={.spec.containers[0].resources}',
    ]);
    expect(JSON.parse(limits.stdout)).toEqual({
      limits: { cpu: '500m', memory: '512Mi' },
      requests: { cpu: '100m', memory: '128Mi' },
    });
  });

  it('is forbidden in another team’s namespace', async () => {
    const run = await alice([
      '-n',
      'search-dev',
      'run',
      'web',
      '--image=nginx',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toBe(
      'Error from server (Forbidden): pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "search-dev"\n',
    );
  });

  it('refuses a privileged pod under the baseline level', async () => {
    const run = await alice([
      '-n',
      'payments-dev',
      'run',
      'root',
      '--image=nginx',
      '--privileged',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toBe(
      'Error from server (Forbidden): pods "root" is forbidden: violates PodSecurity "baseline:latest": privileged (container "root" must not set securityContext.privileged=true)\n',
    );
  });

  it('refuses a pod over the namespace quota', async () => {
    // limits.cpu is 1: with the 500m default limit, the second pod fills it.
    const second = await alice([
      '-n',
      'payments-dev',
      'run',
      'web2',
      '--image=nginx',
    ]);
    expect(second.code).toBe(0);
    const third = await alice([
      '-n',
      'payments-dev',
      'run',
      'web3',
      '--image=nginx',
    ]);
    expect(third.code).not.toBe(0);
    expect(third.stderr).toBe(
      'Error from server (Forbidden): pods "web3" is forbidden: exceeded quota: quota, requested: limits.cpu=500m, used: limits.cpu=1, limited: limits.cpu=1\n',
    );
    const quota = await alice(['-n', 'payments-dev', 'get', 'quota']);
    expect(quota.stdout).toContain('pods: 2/20, requests.memory: 256Mi/4Gi');
    expect(quota.stdout).toContain('limits.cpu: 1/1');
  });

  it('applies a Deployment again with a strategic merge of its containers', async () => {
    const manifest = (image: string, sidecar: boolean) =>
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web, namespace: payments-dev}',
        'spec:',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec:',
        '      containers:',
        `      - {name: web, image: "${image}", ports: [{containerPort: 80}]}`,
        ...(sidecar ? ['      - {name: side, image: busybox}'] : []),
      ].join('\n');
    const apply = (text: string) =>
      runKubectl({
        dir,
        kubeconfig: aliceConfig,
        args: ['apply', '-f', '-'],
        input: text,
      });
    expect((await apply(manifest('nginx:1.26', true))).stdout).toBe(
      'deployment.apps/web created\n',
    );
    expect((await apply(manifest('nginx:1.27', false))).stdout).toBe(
      'deployment.apps/web configured\n',
    );
    const got = await alice([
      '-n',
      'payments-dev',
      'get',
      'deployment',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers}',
    ]);
    expect(JSON.parse(got.stdout)).toEqual([
      expect.objectContaining({
        name: 'web',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
      }),
    ]);
    const table = await alice(['-n', 'payments-dev', 'get', 'deployments']);
    expect(table.stdout).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/1\s+0\s+0\s+\d+s\n$/,
    );
  });

  it('creates deployments, services, secrets and service accounts with kubectl create (protobuf)', async () => {
    const ns = ['-n', 'payments-dev'];
    const created = await Promise.all([
      alice([
        ...ns,
        'create',
        'deployment',
        'api',
        '--image=nginx:1.27',
        '--port=8080',
        '--replicas=2',
      ]),
      alice([
        ...ns,
        'create',
        'secret',
        'generic',
        'creds',
        '--from-literal=user=app',
      ]),
      alice([...ns, 'create', 'serviceaccount', 'robot']),
      alice([...ns, 'create', 'service', 'clusterip', 'api', '--tcp=80:8080']),
    ]);
    expect(created.map(r => [r.code, r.stdout])).toEqual([
      [0, 'deployment.apps/api created\n'],
      [0, 'secret/creds created\n'],
      [0, 'serviceaccount/robot created\n'],
      [0, 'service/api created\n'],
    ]);
    const deployment = peer.getObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'payments-dev',
      name: 'api',
    }) as any;
    expect(deployment.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.27',
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
            },
          ],
        },
      },
    });
    const secret = peer.getObject({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'payments-dev',
      name: 'creds',
    }) as any;
    expect(secret).toMatchObject({
      type: 'Opaque',
      data: { user: Buffer.from('app').toString('base64') },
    });
    const service = peer.getObject({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: 'payments-dev',
      name: 'api',
    }) as any;
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { app: 'api' },
      ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }],
    });
    expect(service.spec.clusterIP).toMatch(/^10\.9[6-9]\./);
  });
});
