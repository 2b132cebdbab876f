/**
 * Cluster Access frontend plugin: get cluster access, request namespaces,
 * and entity cards. This is the legacy-frontend-system entry point; see
 * `/alpha` for the new frontend system.
 *
 * @packageDocumentation
 */
export {
  clusterAccessPlugin,
  ClusterAccessPage,
  EntityGroupNamespacesCard,
  EntityUserAccessCard,
} from './plugin';
export { rootRouteRef as clusterAccessRouteRef } from './routes';
export * from './api';
export * from './scaffolder';
