/**
 * Cluster Access backend plugin: Vault-signed Kubernetes client certificates
 * and self-service namespaces.
 *
 * @packageDocumentation
 */
export { clusterAccessPlugin as default } from './plugin';
export type { ClusterAccessStore, HistoryQuery } from './database/ClusterAccessStore';
