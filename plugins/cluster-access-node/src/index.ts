/**
 * Node library for backend modules that integrate with Cluster Access.
 *
 * @packageDocumentation
 */
export * from './ClusterAccessService';
