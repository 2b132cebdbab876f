import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The plugin's page, mounted at `/cluster-access` by default.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'cluster-access' });

/**
 * Paths of the page's tabs under {@link rootRouteRef}, for links from the
 * entity cards and between tabs.
 */
export const pageTabs = {
  getAccess: '',
  requestNamespace: 'request-namespace',
  requests: 'requests',
  namespaces: 'namespaces',
  history: 'history',
} as const;

/** One of the page's tabs. */
export type PageTab = keyof typeof pageTabs;
