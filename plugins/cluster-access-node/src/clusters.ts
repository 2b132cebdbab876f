import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * How the backend authenticates to a cluster's API server to provision
 * namespaces.
 *
 * @public
 */
export type ClusterCredentials =
  | { type: 'token'; token: string }
  | { type: 'tokenFile'; tokenFile: string };

/**
 * One cluster as Cluster Access knows it: where its API server is, the CA
 * that signs the server's certificate, and (for namespaces) how the backend
 * logs in. Certificates and namespaces both use this one type.
 *
 * @public
 */
export interface ClusterSettings {
  /** Short name, unique among the clusters; requests and kubeconfig entries use it. */
  name: string;
  /** Human-readable name; absent when none is configured. */
  title?: string;
  /** API server URL, without a trailing slash. */
  url: string;
  /** PEM CA bundle of the API server's certificate, if configured. */
  caPem?: string;
  /** Undefined when the cluster is not set up for namespace provisioning. */
  credentials?: ClusterCredentials;
}

/**
 * A Kubernetes object as the backend reads and writes it, in the model form
 * of `@kubernetes/client-node`: the few fields whose JSON names are reserved
 * words carry an underscore (`_from` of a NetworkPolicy peer list, `_default`
 * of a LimitRange item), and the client's serializer maps them back to the
 * API's names. Plain JSON spelling would be dropped silently.
 *
 * @public
 */
export interface KubeObject {
  /** e.g. `v1` or `rbac.authorization.k8s.io/v1`. */
  apiVersion: string;
  /** e.g. `Namespace` or `RoleBinding`. */
  kind: string;
  /** Name, namespace, labels and annotations, and what the API server sets (`uid`, `resourceVersion`, ...). */
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    /** A Date once deserialised by client-node; set while the object is being deleted. */
    deletionTimestamp?: unknown;
    [key: string]: unknown;
  };
  /** The rest of the object (`spec`, `status`, `roleRef`, ...), in the model form above. */
  [key: string]: unknown;
}

/**
 * A kind of object, as a list names it.
 *
 * @public
 */
export interface KubeObjectType {
  /** e.g. `v1` or `rbac.authorization.k8s.io/v1`. */
  apiVersion: string;
  /** e.g. `ResourceQuota` or `RoleBinding`. */
  kind: string;
}

/**
 * Addresses one object in a cluster.
 *
 * @public
 */
export interface ObjectRef extends KubeObjectType {
  /** The object's namespace; absent for cluster-scoped objects such as a Namespace. */
  namespace?: string;
  /** The object's name. */
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

  /** Every object of a kind in all namespaces that matches the label selector (empty: all). */
  list(type: KubeObjectType, labelSelector: string): Promise<KubeObject[]>;

  /**
   * The same objects as `list`, page by page (`limit` and `continue`): each
   * page is handed to `onPage`, and awaited, before the next one is fetched,
   * so only one page is held at a time. When the list has to start again
   * (its continue token expired), pages already handed over come again:
   * `onPage` must be safe to repeat.
   */
  listPages(
    type: KubeObjectType,
    labelSelector: string,
    onPage: (objects: KubeObject[]) => Promise<void>,
  ): Promise<void>;
}

/**
 * Gives the {@link ClusterClient} of a cluster.
 *
 * @public
 */
export interface ClusterClientProvider {
  /** Undefined when the cluster is unknown or not set up for provisioning. */
  forCluster(cluster: string): ClusterClient | undefined;
}

/**
 * The clusters the plugin knows at this moment: those declared in config
 * (`clusterAccess.clusters`, `kubernetes.clusterLocatorMethods` of type
 * `config`) and, when enabled, catalog `kubernetes-cluster` Resources, which
 * are read again periodically and so may come and go.
 *
 * @public
 */
export interface ClusterDirectory {
  /** Every known cluster, config clusters first. */
  list(): ClusterSettings[];
  /** One cluster by name; undefined when it is not known (any more). */
  get(name: string): ClusterSettings | undefined;
}

/**
 * Builds a {@link ClusterClientProvider} for the clusters the plugin knows.
 * `clusters` are the clusters declared in config; `directory` also has the
 * catalog's, and should be asked at each `forCluster` call.
 *
 * @public
 */
export type ClusterClientProviderFactory = (options: {
  clusters: ClusterSettings[];
  directory: ClusterDirectory;
}) => ClusterClientProvider;

/**
 * Replaces how the Cluster Access backend talks to clusters (by default:
 * `@kubernetes/client-node` with each cluster's service-account token).
 *
 * @public
 */
export interface ClusterAccessClusterClientProviderExtensionPoint {
  /** Sets the provider, or a factory given the configured clusters. Throws when called twice. */
  setClusterClientProvider(
    provider: ClusterClientProvider | ClusterClientProviderFactory,
  ): void;
}

/**
 * Extension point for {@link ClusterAccessClusterClientProviderExtensionPoint}.
 *
 * @public
 */
export const clusterAccessClusterClientProviderExtensionPoint =
  createExtensionPoint<ClusterAccessClusterClientProviderExtensionPoint>({
    id: 'cluster-access.cluster-client-provider',
  });
