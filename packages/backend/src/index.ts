/*
 * The demo Backstage backend that wires the Cluster Access plugins.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// Auth: the sample-user sign-in exists only for local development; see
// modules/sampleUsersAuth.ts and README.md for a real identity provider.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('./modules/sampleUsersAuth'));

// Catalog, with the sample organisation from examples/.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Scaffolder, with the Cluster Access template actions.
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@cluster-access/plugin-scaffolder-backend-module-cluster-access'),
);

// Permissions, with the demo policy (not allow-all).
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./modules/permissionPolicy'));

backend.add(import('@backstage/plugin-user-settings-backend'));

// Notifications (stored in the demo's database) and signals (live updates
// to open pages), used by Cluster Access to tell approvers and requesters.
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@cluster-access/plugin-cluster-access-backend'));

backend.start();
