import { createBackendModule } from '@backstage/backend-plugin-api';

/**
 * Scaffolder module for Cluster Access. Its template actions (requesting a
 * namespace for a Group) arrive with the namespace request API; until then
 * it registers nothing, so that installing it early is harmless.
 *
 * @public
 */
export const scaffolderModuleClusterAccess = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'cluster-access',
  register(reg) {
    reg.registerInit({
      deps: {},
      async init() {},
    });
  },
});
