import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { clusterAccessApiRef, ClusterAccessClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The Cluster Access frontend plugin, for apps on the legacy frontend system.
 * Apps on the new frontend system use the `/alpha` export instead.
 *
 * @public
 */
export const clusterAccessPlugin = createPlugin({
  id: 'cluster-access',
  apis: [
    createApiFactory({
      api: clusterAccessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ClusterAccessClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The Cluster Access page: get cluster access, request namespaces, history.
 *
 * @public
 */
export const ClusterAccessPage = clusterAccessPlugin.provide(
  createRoutableExtension({
    name: 'ClusterAccessPage',
    component: () =>
      import('./components/ClusterAccessPage').then(m => m.ClusterAccessPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * Entity card for Groups: the namespaces the Group owns.
 *
 * @public
 */
export const EntityGroupNamespacesCard = clusterAccessPlugin.provide(
  createComponentExtension({
    name: 'EntityGroupNamespacesCard',
    component: {
      lazy: () =>
        import('./components/EntityCards').then(
          m => m.EntityGroupNamespacesCard,
        ),
    },
  }),
);

/**
 * Entity card for Users: their cluster access.
 *
 * @public
 */
export const EntityUserAccessCard = clusterAccessPlugin.provide(
  createComponentExtension({
    name: 'EntityUserAccessCard',
    component: {
      lazy: () =>
        import('./components/EntityCards').then(m => m.EntityUserAccessCard),
    },
  }),
);
