/*
 * The real kubectl against the peer: what a person using the demo would type.
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

describe('real kubectl against the kube peer', () => {
  let peer: KubePeer;
  let dir: string;
  let aliceConfig: string;
  let adminConfig: string;

  const kubectl = (kubeconfig: string, args: string[], input?: string) =>
    runKubectl({ dir, kubeconfig, args, input });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-peer-kubectl-'));
    const ca = await createClientCertificateAuthority({
      commonName: 'test-client-ca',
    });
    peer = await startKubePeer({ clientCaPems: [ca.caPem] });
    const alice = await ca.issueClientCertificate({
      commonName: 'alice',
      organizations: ['team-a', 'developers'],
    });
    aliceConfig = join(dir, 'alice.kubeconfig');
    adminConfig = join(dir, 'admin.kubeconfig');
    await writeFile(
      aliceConfig,
      peer.kubeconfig({
        clientCertificatePem: alice.certificatePem,
        clientKeyPem: alice.privateKeyPem,
      }),
      { mode: 0o600 },
    );
    await writeFile(adminConfig, peer.kubeconfig({ token: peer.adminToken }), {
      mode: 0o600,
    });

    // Set-up goes through kubectl too, with the admin credentials.
    const setup = await kubectlOk({
      dir,
      kubeconfig: adminConfig,
      args: ['apply', '-f', '-'],
      input: [
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a',
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-b',
        [
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: RoleBinding',
          'metadata:\n  name: developers-edit\n  namespace: team-a',
          'roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit',
          'subjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: developers',
        ].join('\n'),
        [
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: ClusterRole',
          'metadata:\n  name: namespace-reader',
          'rules:\n- apiGroups: [""]\n  resources: [namespaces]\n  verbs: [get, list]',
        ].join('\n'),
      ].join('\n---\n'),
    });
    if (
      !setup.includes(
        'rolebinding.rbac.authorization.k8s.io/developers-edit created',
      )
    ) {
      throw new Error(`unexpected kubectl apply output: ${setup}`);
    }
    await kubectlOk({
      dir,
      kubeconfig: adminConfig,
      args: [
        'create',
        'clusterrolebinding',
        'developers-read-namespaces',
        '--clusterrole=namespace-reader',
        '--group=developers',
      ],
    });
  });

  afterAll(async () => {
    await peer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('kubectl auth whoami shows the certificate user and groups', async () => {
    const result = await kubectl(aliceConfig, ['auth', 'whoami', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      kind: 'SelfSubjectReview',
      status: {
        userInfo: {
          username: 'alice',
          groups: ['team-a', 'developers', 'system:authenticated'],
        },
      },
    });
  });

  it('kubectl get ns prints the namespaces table', async () => {
    const result = await kubectl(aliceConfig, ['get', 'ns']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(lines.some(l => /^team-a\s+Active\s+\d+s$/.test(l))).toBe(true);
    expect(lines.some(l => l.startsWith('default '))).toBe(true);
  });

  it('kubectl create configmap succeeds where RBAC allows it and is forbidden elsewhere', async () => {
    const allowed = await kubectl(aliceConfig, [
      '-n',
      'team-a',
      'create',
      'configmap',
      'demo',
      '--from-literal=a=b',
    ]);
    expect(allowed).toMatchObject({
      code: 0,
      stdout: 'configmap/demo created\n',
    });
    const stored = peer.getObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'team-a',
      name: 'demo',
    });
    expect(stored?.data).toEqual({ a: 'b' });
    expect(stored?.metadata?.managedFields?.[0].manager).toBe('kubectl-create');

    const denied = await kubectl(aliceConfig, [
      '-n',
      'team-b',
      'create',
      'configmap',
      'demo',
      '--from-literal=a=b',
    ]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(
      'configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "team-b"',
    );
  });

  it('kubectl auth can-i answers yes and no', async () => {
    const yes = await kubectl(aliceConfig, [
      'auth',
      'can-i',
      'create',
      'configmaps',
      '-n',
      'team-a',
    ]);
    expect(yes).toMatchObject({ code: 0, stdout: 'yes\n' });
    const no = await kubectl(aliceConfig, [
      'auth',
      'can-i',
      'create',
      'configmaps',
      '-n',
      'team-b',
    ]);
    expect(no.code).toBe(1);
    expect(no.stdout).toBe('no\n');
    const noRbac = await kubectl(aliceConfig, [
      'auth',
      'can-i',
      'create',
      'rolebindings',
      '-n',
      'team-a',
    ]);
    expect(noRbac.stdout).toBe('no\n');
  });

  it('kubectl apply is idempotent, client-side and server-side', async () => {
    const manifest = [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:\n  name: default-deny\n  namespace: team-a',
      'spec:\n  podSelector: {}\n  policyTypes: [Ingress]',
    ].join('\n');
    const first = await kubectl(adminConfig, ['apply', '-f', '-'], manifest);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain(
      'networkpolicy.networking.k8s.io/default-deny created',
    );
    const again = await kubectl(adminConfig, ['apply', '-f', '-'], manifest);
    expect(again.stdout).toContain(
      'networkpolicy.networking.k8s.io/default-deny unchanged',
    );

    const ssa = await kubectl(
      adminConfig,
      ['apply', '--server-side', '--field-manager=tests', '-f', '-'],
      manifest,
    );
    expect(ssa).toMatchObject({ code: 0 });
    const rv = peer.getObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      namespace: 'team-a',
      name: 'default-deny',
    })?.metadata?.resourceVersion;
    await kubectl(
      adminConfig,
      ['apply', '--server-side', '--field-manager=tests', '-f', '-'],
      manifest,
    );
    expect(
      peer.getObject({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        namespace: 'team-a',
        name: 'default-deny',
      })?.metadata?.resourceVersion,
    ).toBe(rv);
  });

  it('kubectl delete ns waits until the namespace and its contents are gone', async () => {
    const created = await kubectl(adminConfig, ['create', 'ns', 'short-lived']);
    expect(created).toMatchObject({ code: 0 });
    await kubectl(adminConfig, [
      '-n',
      'short-lived',
      'create',
      'configmap',
      'x',
    ]);
    const deleted = await kubectl(adminConfig, ['delete', 'ns', 'short-lived']);
    expect(deleted).toMatchObject({
      code: 0,
      stdout: 'namespace "short-lived" deleted\n',
    });
    // kubectl waits (through a watch) for the namespace controller to finish.
    expect(deleted.stderr).toBe('');
    const gone = await kubectl(adminConfig, ['get', 'ns', 'short-lived']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('namespaces "short-lived" not found');
  }, 20_000);

  it('kubectl apply takes the admission policy operators apply from deploy/', async () => {
    const file = join(
      __dirname,
      '../../../../deploy/kubernetes/backend-admission-policy.yaml',
    );
    const applied = await kubectl(adminConfig, ['apply', '-f', file]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(
      'validatingadmissionpolicy.admissionregistration.k8s.io/cluster-access-managed-namespaces configured',
    );
    const listed = await kubectl(adminConfig, [
      'get',
      'validatingadmissionpolicybindings',
      '-o',
      'name',
    ]);
    expect(listed.stdout).toBe(
      'validatingadmissionpolicybinding.admissionregistration.k8s.io/cluster-access-managed-namespaces\n',
    );
  }, 20_000);
});
