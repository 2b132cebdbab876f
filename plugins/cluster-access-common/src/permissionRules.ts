/**
 * Names of the permission rules the Cluster Access backend registers for the
 * {@link CLUSTER_ACCESS_REQUEST_RESOURCE_TYPE} resource type. Policy authors
 * use the condition exports of the backend package; these names are what the
 * permission framework's metadata shows.
 *
 * @public
 */
export const CLUSTER_ACCESS_REQUEST_RULES = {
  /** The request is for a namespace of one of the given tiers. */
  IS_TIER: 'IS_TIER',
  /** The request is for a namespace on one of the given clusters. */
  IS_CLUSTER: 'IS_CLUSTER',
  /** The request's owner Group is one of the given entity refs. */
  HAS_OWNER: 'HAS_OWNER',
} as const;

/**
 * Parameters of the {@link CLUSTER_ACCESS_REQUEST_RULES}.
 *
 * @public
 */
export interface ClusterAccessRequestRuleParams {
  /** Tier names, e.g. `qa`. */
  IS_TIER: { tiers: string[] };
  /** Cluster names, as configured. */
  IS_CLUSTER: { clusters: string[] };
  /**
   * Group entity refs, e.g. `group:default/payments`; a ref without kind or
   * namespace is read as a Group in `default`, one that does not parse matches nothing.
   */
  HAS_OWNER: { owners: string[] };
}
