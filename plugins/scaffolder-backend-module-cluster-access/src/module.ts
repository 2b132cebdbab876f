import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { clusterAccessServiceRef } from '@cluster-access/plugin-cluster-access-node';
import { createRequestNamespaceAction } from './actions/requestNamespace';

/**
 * Scaffolder module for Cluster Access: adds the
 * `cluster-access:namespace:request` template action.
 *
 * @public
 */
export const scaffolderModuleClusterAccess = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'cluster-access',
  register(reg) {
    reg.registerInit({
      deps: {
        actions: scaffolderActionsExtensionPoint,
        clusterAccess: clusterAccessServiceRef,
      },
      async init({ actions, clusterAccess }) {
        actions.addActions(createRequestNamespaceAction({ clusterAccess }));
      },
    });
  },
});
