/*
 * The Vault peer in a process of its own, as Vault runs in production:
 * started by bench/issuance.ts, it bootstraps the PKI engine and the
 * backend's policy, tells its parent where it is, and ends with the parent.
 */
import 'reflect-metadata';
import {
  bootstrapVaultForClusterAccess,
  startVaultPeer,
} from '@cluster-access/sandbox';

export interface VaultPeerReady {
  type: 'vault-ready';
  url: string;
  backendToken: string;
  pkiMount: string;
  roleName: string;
}

export async function startBootstrappedVault(): Promise<
  VaultPeerReady & { close(): Promise<void> }
> {
  const peer = await startVaultPeer({ port: 0 });
  const setup = await bootstrapVaultForClusterAccess({
    url: peer.url,
    rootToken: peer.rootToken,
  });
  return {
    type: 'vault-ready',
    url: peer.url,
    backendToken: setup.backendToken,
    pkiMount: setup.pkiMount,
    roleName: setup.roleName,
    close: () => peer.close(),
  };
}

if (require.main === module) {
  startBootstrappedVault().then(
    ({ close, ...ready }) => {
      process.send!(ready);
      process.on('disconnect', () => {
        close().finally(() => process.exit(0));
      });
    },
    error => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
