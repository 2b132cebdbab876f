/*
 * Starts the local Vault and Kubernetes peers for the demo (README's start
 * command runs this through scripts/start-all.js) and writes what the demo
 * backend's app-config.yaml reads into a directory (default .sandbox/):
 *
 *   vault-token       the backend's Vault token (auth method tokenFile)
 *   vault-root-token  the peer's root token, for poking at it by hand
 *   vault-ca.pem      the PKI CA that signs client certificates
 *   kube-ca.pem       the dev Kubernetes peer's serving CA
 *   kube-token        the backend's service-account token for provisioning
 *   kube-admin.kubeconfig  a cluster-admin kubeconfig, for looking around with kubectl
 *   kube-qa-ca.pem, kube-qa-token, kube-qa-admin.kubeconfig
 *                     the same for the qa Kubernetes peer
 *   clusters.yaml     the qa cluster as a catalog Resource (kubernetes-cluster),
 *                     as the Kubernetes plugin's catalog locator reads it; its
 *                     CA annotation changes at every start, hence written here
 *   sandbox.json      addresses, then ready.json once everything is up
 *
 * Nothing here is a secret worth keeping: every start makes new CAs and tokens.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { bootstrapVaultForClusterAccess, startVaultPeer } from './vault';
import { startKubePeer } from './kube';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const logger = {
  info: (m: string) => process.stdout.write(`[sandbox] ${m}\n`),
  warn: (m: string) => process.stderr.write(`[sandbox] warn ${m}\n`),
  error: (m: string) => process.stderr.write(`[sandbox] error ${m}\n`),
};

/** The qa cluster as Backstage's CatalogClusterLocator reads it. */
function qaClusterEntity(url: string, caPem: string): string {
  return `# Written by packages/sandbox at every start (the peer's CA is new each time).
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: qa
  title: QA cluster (local peer)
  description: The demo's second Kubernetes peer, declared in the catalog.
  annotations:
    kubernetes.io/api-server: ${url}
    kubernetes.io/api-server-certificate-authority: ${Buffer.from(
      caPem,
    ).toString('base64')}
    kubernetes.io/auth-provider: oidc
spec:
  type: kubernetes-cluster
  owner: group:default/platform
`;
}

async function main() {
  const dir = path.resolve(arg('dir', '.sandbox'));
  const vaultPort = Number(arg('vault-port', '8200'));
  const kubePort = Number(arg('kube-port', '6443'));
  const qaKubePort = Number(arg('qa-kube-port', '6444'));
  const verbose = process.argv.includes('--verbose');
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(path.join(dir, 'ready.json'), { force: true });

  const quiet = { ...logger, info: verbose ? logger.info : () => {} };
  const vault = await startVaultPeer({ port: vaultPort, logger: quiet });
  const boot = await bootstrapVaultForClusterAccess({
    url: vault.url,
    rootToken: vault.rootToken,
  });
  // Two clusters, both trusting Vault's client CA: dev (declared in
  // app-config the Kubernetes plugin's way) and qa (a catalog Resource).
  const [kube, qaKube] = await Promise.all(
    [kubePort, qaKubePort].map(port =>
      startKubePeer({ port, clientCaPems: [boot.caPem], logger: quiet }),
    ),
  );
  const write = (name: string, content: string, mode = 0o600) =>
    fs.writeFileSync(path.join(dir, name), content, { mode });
  write('vault-token', boot.backendToken);
  write('vault-root-token', vault.rootToken);
  write('vault-ca.pem', boot.caPem, 0o644);
  for (const [prefix, peer] of [
    ['kube', kube],
    ['kube-qa', qaKube],
  ] as const) {
    write(`${prefix}-ca.pem`, peer.caPem, 0o644);
    write(
      `${prefix}-token`,
      peer.issueServiceAccountToken({
        namespace: 'cluster-access',
        name: 'backstage',
        ttlSeconds: 7 * 24 * 3600,
      }),
    );
    write(
      `${prefix}-admin.kubeconfig`,
      peer.kubeconfig({ token: peer.adminToken }),
    );
  }
  write('clusters.yaml', qaClusterEntity(qaKube.url, qaKube.caPem), 0o644);
  const info = {
    vault: { url: vault.url, pkiMount: boot.pkiMount, role: boot.roleName },
    kubernetes: { url: kube.url, qaUrl: qaKube.url },
  };
  write('sandbox.json', `${JSON.stringify(info, null, 2)}\n`, 0o644);
  write(
    'ready.json',
    `${JSON.stringify({ ...info, pid: process.pid })}\n`,
    0o644,
  );
  logger.info(
    `Vault peer on ${vault.url}, Kubernetes peers dev on ${kube.url} and qa on ${qaKube.url} (files in ${dir})`,
  );

  const stop = async () => {
    fs.rmSync(path.join(dir, 'ready.json'), { force: true });
    await Promise.allSettled([vault.close(), kube.close(), qaKube.close()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  logger.error(String(error?.stack ?? error));
  process.exit(1);
});
