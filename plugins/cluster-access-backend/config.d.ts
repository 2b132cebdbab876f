export interface Config {
  /** Configuration for the Cluster Access plugin. */
  clusterAccess?: {};
}
