import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
  PluginWrapperBlueprint,
  SubPageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import VpnKeyIcon from '@material-ui/icons/VpnKey';
import { clusterAccessApiRef, ClusterAccessClient } from './api';
import { pageTabs, rootRouteRef } from './routes';
import {
  clusterPickerFormField,
  namespaceNameFormField,
  tierPickerFormField,
} from './scaffolder/alpha';

/**
 * The API client, as an extension of the new frontend system.
 *
 * @alpha
 */
export const clusterAccessApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: clusterAccessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ClusterAccessClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The Cluster Access page; its title and icon also make the nav item. It
 * draws nothing itself: the app draws its one header and a tab per
 * sub-page below, which adopters can disable or reorder in `app.extensions`.
 *
 * @alpha
 */
export const clusterAccessPage = PageBlueprint.make({
  params: {
    path: '/cluster-access',
    routeRef: rootRouteRef,
    title: 'Cluster access',
    icon: <VpnKeyIcon fontSize="inherit" />,
  },
});

const tabs = () => import('./components/ClusterAccessPage/tabs');

/**
 * Keeps a generated kubeconfig (and its private key, in memory only) while
 * the user looks at another tab before downloading it.
 */
const issuedCredentialsWrapper = PluginWrapperBlueprint.make({
  params: defineParams =>
    defineParams({
      loader: () =>
        import('./components/IssuedCredentials').then(
          m => m.issuedCredentialsWrapper,
        ),
    }),
});

/**
 * Tab: a client certificate and kubeconfig (the page opens on the first tab).
 *
 * @alpha
 */
export const getAccessSubPage = SubPageBlueprint.make({
  name: 'get-access',
  params: {
    path: 'get-access',
    title: 'Get cluster access',
    loader: () => tabs().then(m => <m.GetAccessTab />),
  },
});

/**
 * Tab: ask for a namespace.
 *
 * @alpha
 */
export const requestNamespaceSubPage = SubPageBlueprint.make({
  name: 'request-namespace',
  params: {
    path: pageTabs.requestNamespace,
    title: 'Request namespace',
    loader: () => tabs().then(m => <m.RequestNamespaceTab />),
  },
});

/**
 * Tab: pending requests, your requests, your recent decisions.
 *
 * @alpha
 */
export const requestsSubPage = SubPageBlueprint.make({
  name: 'requests',
  params: {
    path: pageTabs.requests,
    title: 'Requests',
    loader: () => tabs().then(m => <m.RequestsTab />),
  },
});

/**
 * Tab: managed namespaces, members, decommissioning.
 *
 * @alpha
 */
export const namespacesSubPage = SubPageBlueprint.make({
  name: 'namespaces',
  params: {
    path: pageTabs.namespaces,
    title: 'Namespaces',
    loader: () => tabs().then(m => <m.NamespacesTab />),
  },
});

/**
 * Tab: the public history.
 *
 * @alpha
 */
export const historySubPage = SubPageBlueprint.make({
  name: 'history',
  params: {
    path: pageTabs.history,
    title: 'History',
    loader: () => tabs().then(m => <m.HistoryTab />),
  },
});

/**
 * Entity card for Groups: the namespaces the Group owns.
 *
 * @alpha
 */
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

/**
 * Entity card for Users: their cluster access.
 *
 * @alpha
 */
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
    issuedCredentialsWrapper,
    getAccessSubPage,
    requestNamespaceSubPage,
    requestsSubPage,
    namespacesSubPage,
    historySubPage,
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
