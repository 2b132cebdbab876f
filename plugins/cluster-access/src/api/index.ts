export * from './ClusterAccessApi';
export * from './ClusterAccessClient';
