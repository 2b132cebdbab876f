/*
 * Kubernetes auth as deploy/vault/setup.sh configures it (kubernetes_host, kubernetes_ca_cert,
 * token_reviewer_jwt, no pem_keys): the Vault peer checks each login's JWT with a TokenReview
 * on the Kubernetes peer, as vault-plugin-auth-kubernetes does.
 */
import 'reflect-metadata';
import { AuthenticationV1Api, KubeConfig } from '@kubernetes/client-node';
import { createServer } from 'node:net';
import { startKubePeer, KubePeer } from '../kube';
import { tokenReviewerJwt } from '../kube/tokenReviewer';
import {
  bootstrapVaultForClusterAccess,
  startVaultPeer,
  VaultPeer,
} from './index';
import {
  vaultClient,
  VaultClient,
  vaultFailure,
} from './__testUtils__/helpers';

jest.setTimeout(30_000);

const DENIED = { status: 403, errors: ['permission denied'] };
const NAMESPACE = 'cluster-access';
const ACCOUNT = 'backstage';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

describe('Vault peer kubernetes auth through TokenReview', () => {
  let kube: KubePeer;
  let vault: VaultPeer;
  let root: VaultClient;
  let reviewerJwt: string;

  const login = (jwt: string, role = 'cluster-access-backend') =>
    vaultClient(vault.url).kubernetesLogin({
      mount_point: 'kubernetes',
      role,
      jwt,
    });
  const tokenFor = (audiences?: string[], name = ACCOUNT) =>
    kube.issueServiceAccountToken({ namespace: NAMESPACE, name, audiences });
  const reviews = () => kube.requestCounts()['create tokenreviews'] ?? 0;
  const config = (extra: Record<string, unknown> = {}) =>
    root.write('auth/kubernetes/config', {
      kubernetes_host: kube.url,
      kubernetes_ca_cert: kube.caPem,
      token_reviewer_jwt: reviewerJwt,
      ...extra,
    });

  beforeAll(async () => {
    [kube, vault] = await Promise.all([startKubePeer(), startVaultPeer()]);
    root = vaultClient(vault.url, vault.rootToken);
    reviewerJwt = tokenReviewerJwt(kube);
    await bootstrapVaultForClusterAccess({
      url: vault.url,
      rootToken: vault.rootToken,
      kubernetes: {
        host: kube.url,
        caCert: kube.caPem,
        tokenReviewerJwt: reviewerJwt,
        serviceAccount: ACCOUNT,
        namespace: NAMESPACE,
      },
    });
  });
  beforeEach(() => config());
  afterAll(async () => {
    await Promise.all([kube.close(), vault.close()]);
  });

  it('logs in a service account the API server vouches for', async () => {
    const before = reviews();
    const result = await login(tokenFor());
    expect(result.auth.metadata).toMatchObject({
      service_account_name: ACCOUNT,
      service_account_namespace: NAMESPACE,
      role: 'cluster-access-backend',
    });
    expect(reviews()).toBe(before + 1);
  });

  it('refuses the token of a deleted or recreated service account (the API server no longer authenticates it)', async () => {
    const name = 'short-lived';
    await root.write('auth/kubernetes/role/short-lived', {
      bound_service_account_names: [name],
      bound_service_account_namespaces: [NAMESPACE],
    });
    await expect(login(tokenFor(undefined, name), name)).resolves.toBeDefined();

    const jwt = tokenFor(undefined, name);
    const account = { apiVersion: 'v1', kind: 'ServiceAccount', name };
    expect(kube.deleteObject({ ...account, namespace: NAMESPACE })).toBe(true);
    // What Vault is told, as kube-apiserver's service-account lookup answers it.
    const kc = new KubeConfig();
    kc.loadFromString(kube.kubeconfig({ token: kube.adminToken }));
    const review = await kc
      .makeApiClient(AuthenticationV1Api)
      .createTokenReview({ body: { spec: { token: jwt } } });
    expect(review.status).toMatchObject({
      error: `[invalid bearer token, serviceaccounts "${name}" not found]`,
    });
    expect(review.status?.authenticated).toBeFalsy();
    expect(await vaultFailure(login(jwt, name))).toEqual(DENIED);

    // Recreated under the same name: a new uid, so the old token stays refused.
    kube.putObject({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: NAMESPACE },
    });
    expect(await vaultFailure(login(jwt, name))).toEqual(DENIED);
  });

  it('checks the role audience locally and in the review', async () => {
    await root.write('auth/kubernetes/role/for-vault', {
      bound_service_account_names: [ACCOUNT],
      bound_service_account_namespaces: [NAMESPACE],
      audience: 'vault',
    });
    await expect(
      login(tokenFor(['vault']), 'for-vault'),
    ).resolves.toBeDefined();
    expect(await vaultFailure(login(tokenFor(), 'for-vault'))).toEqual({
      status: 403,
      errors: [
        'invalid audience (aud) claim: audience claim does not match any expected audience',
      ],
    });
  });

  it('is denied when the API server cannot be reached or is not trusted', async () => {
    await expect(login(tokenFor())).resolves.toBeDefined();
    await config({
      kubernetes_host: `https://127.0.0.1:${await closedPort()}`,
    });
    expect(await vaultFailure(login(tokenFor()))).toEqual(DENIED);
    // A CA that did not sign the API server's certificate: TLS fails, same answer.
    const other = await startKubePeer({ provisionerServiceAccount: null });
    try {
      await config({ kubernetes_ca_cert: other.caPem });
      expect(await vaultFailure(login(tokenFor()))).toEqual(DENIED);
    } finally {
      await other.close();
    }
  });

  it("reviews with the login's own JWT when no token_reviewer_jwt is set, which must then be allowed to create TokenReviews", async () => {
    await config({ token_reviewer_jwt: '' });
    const jwt = tokenFor();
    expect(await vaultFailure(login(jwt))).toEqual(DENIED);
    kube.putObject({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'backstage-auth-delegator' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'system:auth-delegator',
      },
      subjects: [
        { kind: 'ServiceAccount', name: ACCOUNT, namespace: NAMESPACE },
      ],
    });
    await expect(login(jwt)).resolves.toBeDefined();
  });

  it('without kubernetes_ca_cert, needs disable_local_ca_jwt outside a pod', async () => {
    await config({ kubernetes_ca_cert: '' });
    expect(await vaultFailure(login(tokenFor()))).toEqual({
      status: 500,
      errors: [
        '1 error occurred:\n\t* open /var/run/secrets/kubernetes.io/serviceaccount/ca.crt: no such file or directory\n\n',
      ],
    });
  });
});
