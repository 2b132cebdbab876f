/*
 * The Cluster Access flow across both peers: the backend logs in to Vault with a
 * service-account JWT issued by the kube peer, has Vault sign a user's CSR verbatim, and the
 * user then talks to the kube peer with the resulting certificate through the real kubectl.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubePeer, KubePeer } from './index';
import { runKubectl } from './__testUtils__/kubectl';
import { tokenReviewerJwt } from './tokenReviewer';
import {
  bootstrapVaultForClusterAccess,
  startVaultPeer,
  VaultPeer,
} from '../vault';

// Real kubectl and TLS round trips on loaded CI cores run past jest's 5 s default.
jest.setTimeout(30_000);

const crypto = webcrypto as unknown as Crypto;

// Several real kubectl runs: seconds each on a loaded machine.
jest.setTimeout(60_000);

async function vault(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<any> {
  const res = await fetch(`${url}/v1/${path}`, {
    method,
    headers: {
      ...(token ? { 'X-Vault-Token': token } : {}),
      'Content-Type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`vault ${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

function toPem(der: ArrayBuffer, label: string): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join(
    '\n',
  )}\n-----END ${label}-----\n`;
}

describe('kube peer with client certificates from the Vault peer', () => {
  let kube: KubePeer;
  let vaultPeer: VaultPeer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-vault-'));
    kube = await startKubePeer();
    vaultPeer = await startVaultPeer();
  });
  afterAll(async () => {
    await kube.close();
    await vaultPeer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a certificate signed by Vault sign-verbatim, with RBAC applied to its subject', async () => {
    const setup = await bootstrapVaultForClusterAccess({
      url: vaultPeer.url,
      rootToken: vaultPeer.rootToken,
      // As deploy/vault/setup.sh: Vault checks the login's JWT with a TokenReview.
      kubernetes: {
        host: kube.url,
        caCert: kube.caPem,
        tokenReviewerJwt: tokenReviewerJwt(kube),
        issuer: kube.serviceAccountIssuer,
        serviceAccount: 'backstage',
        namespace: 'cluster-access',
      },
    });
    // The cluster trusts Vault's PKI for client certificates.
    kube.addClientCa(setup.caPem);

    // The backend authenticates to Vault with a service-account token from the cluster.
    const jwt = kube.issueServiceAccountToken({
      namespace: 'cluster-access',
      name: 'backstage',
    });
    const login = await vault(
      vaultPeer.url,
      undefined,
      'POST',
      'auth/kubernetes/login',
      {
        role: setup.kubernetesAuth!.role,
        jwt,
      },
    );
    const backendToken: string = login.auth.client_token;
    expect(kube.requestCounts()['create tokenreviews']).toBe(1);

    // The user's key never leaves the user; only the CSR goes to Vault.
    const keys = (await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const csr = await x509.Pkcs10CertificateRequestGenerator.create(
      {
        name: [{ CN: ['alice'] }, { O: ['developers'] }],
        keys,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      },
      crypto,
    );
    const signed = await vault(
      vaultPeer.url,
      backendToken,
      'POST',
      `${setup.pkiMount}/sign-verbatim/${setup.roleName}`,
      { csr: csr.toString('pem'), ext_key_usage: ['ClientAuth'], ttl: '1h' },
    );
    const certificatePem: string = signed.data.certificate;
    const privateKeyPem = toPem(
      await crypto.subtle.exportKey('pkcs8', keys.privateKey),
      'PRIVATE KEY',
    );

    const admin = join(dir, 'admin.kubeconfig');
    const alice = join(dir, 'alice.kubeconfig');
    await writeFile(admin, kube.kubeconfig({ token: kube.adminToken }), {
      mode: 0o600,
    });
    await writeFile(
      alice,
      kube.kubeconfig({
        clientCertificatePem: certificatePem,
        clientKeyPem: privateKeyPem,
      }),
      { mode: 0o600 },
    );
    const kubectl = (kubeconfig: string, args: string[]) =>
      runKubectl({ dir, kubeconfig, args });

    const whoami = await kubectl(alice, ['auth', 'whoami', '-o', 'json']);
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout).status.userInfo).toEqual({
      username: 'alice',
      groups: ['developers', 'system:authenticated'],
    });

    expect((await kubectl(admin, ['create', 'ns', 'team-a'])).code).toBe(0);
    expect(
      (
        await kubectl(admin, [
          '-n',
          'team-a',
          'create',
          'rolebinding',
          'developers-edit',
          '--clusterrole=edit',
          '--group=developers',
        ])
      ).code,
    ).toBe(0);
    const created = await kubectl(alice, [
      '-n',
      'team-a',
      'create',
      'configmap',
      'from-vault',
    ]);
    expect(created).toMatchObject({
      code: 0,
      stdout: 'configmap/from-vault created\n',
    });
    const denied = await kubectl(alice, [
      'auth',
      'can-i',
      'create',
      'configmaps',
      '-n',
      'default',
    ]);
    expect(denied.stdout).toBe('no\n');

    // Revocation is Vault's business; the API server only checks chain and validity, as a real
    // kube-apiserver without an authenticating proxy does.
    await vault(
      vaultPeer.url,
      backendToken,
      'POST',
      `${setup.pkiMount}/revoke`,
      {
        serial_number: signed.data.serial_number,
      },
    );
    expect((await kubectl(alice, ['auth', 'whoami'])).code).toBe(0);
  });
});
