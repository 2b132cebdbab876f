/**
 * Cluster Access backend plugin: Kubernetes client certificates (signed by
 * Vault or a signer module) and self-service namespaces.
 *
 * @packageDocumentation
 */
export { clusterAccessPlugin as default } from './plugin';
export {
  namespaceRequestConditions,
  createNamespaceRequestConditionalDecision,
  namespaceRequestPermissionRules,
  namespaceRequestResourceRef,
  type NamespaceRequestResource,
} from './namespaces/requests/permissionRules';
export type { NamespaceRequestPermissionQuery } from './namespaces/requests/permissionRules';
