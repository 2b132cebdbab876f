import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  CertificateSigner,
  ClusterDirectory,
  IdentityDirectory,
} from '@cluster-access/plugin-cluster-access-node';
import { Knex } from 'knex';
import { CertificateService } from '../certificates/CertificateService';
import { DatabaseCertificateStore } from '../certificates/DatabaseCertificateStore';
import { VaultCertificateSigner } from '../certificates/vault/VaultCertificateSigner';
import { VaultClient } from '../certificates/vault/VaultClient';
import { VaultIdentityDirectory } from '../certificates/vault/VaultIdentityDirectory';
import { ClusterAccessSettings, VaultSettings } from '../config/types';
import { HistoryRecorder } from '../history/HistoryRecorder';
import { createCertificatesRouter } from '../service/router';
import { ClusterAccessFeature } from './types';

/** A signer with the directory its users' extra groups come from, if any. */
export interface SignerRegistration {
  signer: CertificateSigner;
  directory?: IdentityDirectory;
}

/** The default signer: Vault's PKI engine and Vault's identities. */
function createVaultSigner(
  vault: VaultSettings,
  logger: LoggerService,
): SignerRegistration & { client: VaultClient } {
  const client = VaultClient.create({ config: vault, logger });
  const signer = new VaultCertificateSigner({
    client,
    pkiMount: vault.pkiMount,
    role: vault.role,
    caPem: vault.caPem,
    logger,
  });
  // Checked in the background: a Vault that is down or a role that does not
  // fit is logged, and must not keep the backend from starting.
  void signer.checkRole();
  const directory = new VaultIdentityDirectory({
    client,
    aliasMountPath: vault.identity.aliasMountPath,
    cacheTtlSeconds: vault.identity.cacheTtlSeconds,
    logger,
  });
  return { client, signer, directory };
}

/**
 * Client certificates: the signer a module registered, else Vault when
 * `clusterAccess.vault` is configured, else none (the routes answer 503).
 */
export async function createCertificatesFeature(options: {
  settings: ClusterAccessSettings;
  knex: Knex;
  history: HistoryRecorder;
  /** Set by a module through the signer extension point. */
  signer?: SignerRegistration;
  /** The clusters kubeconfigs get. */
  clusters: ClusterDirectory;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
  auditor: AuditorService;
}): Promise<ClusterAccessFeature> {
  const { settings, logger } = options;
  const vault =
    !options.signer && settings.vault
      ? createVaultSigner(settings.vault, logger)
      : undefined;
  const registration = options.signer ?? vault;
  if (!registration) {
    logger.info(
      'clusterAccess.vault is not configured and no module set a signer: certificate issuance is off',
    );
  }
  const certificates =
    registration &&
    new CertificateService({
      certificates: settings.certificates,
      clusters: options.clusters,
      signer: registration.signer,
      directory: registration.directory,
      store: new DatabaseCertificateStore(options.knex),
      history: options.history,
      logger,
    });
  return {
    router: await createCertificatesRouter({ ...options, certificates }),
    tasks: [],
    shutdown: async () => {
      vault?.client.close();
    },
  };
}
