/**
 * Node library for backend modules that integrate with Cluster Access: the
 * service other plugins call, and the extension points that replace the
 * certificate signer or how clusters are reached.
 *
 * @packageDocumentation
 */
export * from './ClusterAccessService';
export * from './certificates';
export * from './clusters';
