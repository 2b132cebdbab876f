import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { clusterAccessPermissions } from '@cluster-access/plugin-cluster-access-common';
import { CertificateService } from './certificates/CertificateService';
import { readClusterAccessConfig } from './config';
import { DatabaseClusterAccessStore } from './database/DatabaseClusterAccessStore';
import { setupNamespaces } from './namespaces/setup';
import { createRouter } from './service/router';
import { VaultCertificateSigner } from './vault/VaultCertificateSigner';
import { VaultClient } from './vault/VaultClient';
import { VaultIdentityDirectory } from './vault/VaultIdentityDirectory';

/**
 * The Cluster Access backend plugin.
 *
 * @public
 */
export const clusterAccessPlugin = createBackendPlugin({
  pluginId: 'cluster-access',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        lifecycle,
        httpRouter,
        httpAuth,
        userInfo,
        permissions,
        permissionsRegistry,
        database,
        auditor,
        auth,
        scheduler,
        catalog,
      }) {
        permissionsRegistry.addPermissions(clusterAccessPermissions);
        const settings = readClusterAccessConfig(config);
        const store = await DatabaseClusterAccessStore.create({ database });

        let certificates: CertificateService | undefined;
        if (settings.vault) {
          const client = VaultClient.create({ config: settings.vault, logger });
          lifecycle.addShutdownHook(() => client.close());
          const signer = new VaultCertificateSigner({
            client,
            pkiMount: settings.vault.pkiMount,
            role: settings.vault.role,
            caPem: settings.vault.caPem,
            logger,
          });
          // Checked in the background: a Vault that is down or a role that
          // does not fit is logged, and must not keep the backend from
          // starting.
          void signer.checkRole();
          certificates = new CertificateService({
            certificates: settings.certificates,
            clusters: settings.clusters,
            signer,
            directory: new VaultIdentityDirectory({
              client,
              aliasMountPath: settings.vault.identity.aliasMountPath,
              logger,
            }),
            store,
            logger,
          });
        } else {
          logger.info(
            'clusterAccess.vault is not configured: certificate issuance is off',
          );
        }

        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            userInfo,
            permissions,
            auditor,
            store,
            certificates,
          }),
        );
        const namespaces = await setupNamespaces({
          config,
          database,
          history: store,
          catalog,
          auth,
          httpAuth,
          userInfo,
          permissions,
          permissionsRegistry,
          scheduler,
          logger,
        });
        lifecycle.addShutdownHook(() => namespaces.services.worker.idle());
        httpRouter.use(namespaces.router);
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
