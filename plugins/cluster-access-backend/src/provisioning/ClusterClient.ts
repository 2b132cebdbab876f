import { KubeObject, ManagedKind } from './manifests';

/**
 * Addresses one object in a cluster.
 *
 * @public
 */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * What the backend needs from one cluster's API server to provision and
 * reconcile namespaces. Failures are `@backstage/errors` types:
 * `ConflictError` for a 409, `NotFoundError` never (absence is a value),
 * `ServiceUnavailableError` when the cluster cannot be reached or refuses the
 * backend's credentials.
 *
 * @public
 */
export interface ClusterClient {
  /** Name of the configured cluster. */
  readonly cluster: string;

  /** Reads an object; undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;

  /**
   * Creates an object; `created: false` (and no write) when one of that name
   * exists already.
   */
  create(object: KubeObject): Promise<{ created: boolean }>;

  /** Server-side apply with the backend's one field manager, taking ownership of conflicting fields. */
  apply(object: KubeObject): Promise<KubeObject>;

  /** Deletes an object; false when it was gone already. */
  delete(ref: ObjectRef): Promise<boolean>;

  /** Every object of a kind in all namespaces that matches the label selector. */
  list(kind: ManagedKind, labelSelector: string): Promise<KubeObject[]>;
}

/**
 * Gives the {@link ClusterClient} of a configured cluster.
 *
 * @public
 */
export interface ClusterClientProvider {
  /** Undefined when the cluster is unknown or not set up for provisioning. */
  forCluster(cluster: string): ClusterClient | undefined;
}
