import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { clusterAccessPermissions } from '@cluster-access/plugin-cluster-access-common';
import { DatabaseClusterAccessStore } from './database/DatabaseClusterAccessStore';
import { createRouter } from './service/router';

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
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        database: coreServices.database,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ logger, httpRouter, httpAuth, database, permissionsRegistry }) {
        permissionsRegistry.addPermissions(clusterAccessPermissions);
        const store = await DatabaseClusterAccessStore.create({ database });
        httpRouter.use(await createRouter({ logger, httpAuth, store }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
