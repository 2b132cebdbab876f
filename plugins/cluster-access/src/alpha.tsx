import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import { clusterAccessApiRef, ClusterAccessClient } from './api';
import { rootRouteRef } from './routes';
import {
  clusterPickerFormField,
  namespaceNameFormField,
  tierPickerFormField,
} from './scaffolder/alpha';

/** The API client, as an extension of the new frontend system. */
export const clusterAccessApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: clusterAccessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ClusterAccessClient({ discoveryApi, fetchApi }),
    }),
});

/** The Cluster Access page; its title and icon also make the nav item. */
export const clusterAccessPage = PageBlueprint.make({
  params: {
    path: '/cluster-access',
    routeRef: rootRouteRef,
    title: 'Cluster access',
    icon: <VpnKeyIcon fontSize="inherit" />,
    loader: () =>
      import('./components/ClusterAccessPage').then(m => (
        <m.ClusterAccessPage />
      )),
  },
});

/** Entity card for Groups: the namespaces the Group owns. */
export const entityGroupNamespacesCard = EntityCardBlueprint.make({
  name: 'group-namespaces',
  params: {
    filter: { kind: 'group' },
    loader: () =>
      import('./components/EntityCards').then(m => (
        <m.EntityGroupNamespacesCard />
      )),
  },
});

/** Entity card for Users: their cluster access. */
export const entityUserAccessCard = EntityCardBlueprint.make({
  name: 'user-access',
  params: {
    filter: { kind: 'user' },
    loader: () =>
      import('./components/EntityCards').then(m => <m.EntityUserAccessCard />),
  },
});

export {
  tierPickerFormField,
  clusterPickerFormField,
  namespaceNameFormField,
} from './scaffolder/alpha';

/**
 * The Cluster Access plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'cluster-access',
  title: 'Cluster access',
  icon: <VpnKeyIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    clusterAccessApi,
    clusterAccessPage,
    entityGroupNamespacesCard,
    entityUserAccessCard,
    // Scaffolder fields (ClusterAccessTierPicker, ClusterAccessClusterPicker,
    // ClusterAccessNamespaceName); they attach to the scaffolder plugin's
    // form fields and are unused where it is not installed.
    tierPickerFormField,
    clusterPickerFormField,
    namespaceNameFormField,
  ],
});
