/**
 * Cluster Access backend plugin: Vault-signed Kubernetes client certificates
 * and self-service namespaces.
 *
 * @packageDocumentation
 */
export { clusterAccessPlugin as default } from './plugin';
export type {
  ClusterAccessStore,
  HistoryQuery,
  NewCertificate,
  StoredCertificate,
} from './database/ClusterAccessStore';
export type {
  CertificateSigner,
  SignCertificateRequest,
  SignedCertificate,
} from './certificates/CertificateSigner';
export {
  namespaceRequestConditions,
  createNamespaceRequestConditionalDecision,
  namespaceRequestPermissionRules,
  namespaceRequestResourceRef,
} from './namespaces/permissionRules';
export type { NamespaceRequestPermissionQuery } from './namespaces/permissionRules';
