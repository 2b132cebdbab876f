import { createRouteRef } from '@backstage/core-plugin-api';

/** The plugin's page, mounted at `/cluster-access` by default. */
export const rootRouteRef = createRouteRef({ id: 'cluster-access' });
