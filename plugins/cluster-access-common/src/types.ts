import { NamespaceRequestStatus } from './lifecycle';

/**
 * One event in the public history of the plugin: a request, a decision, a
 * provisioning step, a certificate issuance or a membership change.
 *
 * @public
 */
export interface HistoryEvent {
  /** UUID of the event. */
  id: string;
  /** ISO 8601 time of the event. */
  createdAt: string;
  /** Entity ref of the user (or `system`) that caused the event. */
  actor: string;
  /**
   * Dotted event type, one of `HISTORY_EVENT_TYPES` (`HistoryEventType`),
   * e.g. `request.created`, `certificate.issued`.
   */
  type: string;
  /** Request the event belongs to, if any. */
  requestId?: string;
  /** `<cluster>/<namespace>` the event belongs to, if any. */
  namespace?: string;
  /** Human-readable summary. */
  message: string;
  /** Structured details; never contains secrets or keys. */
  details?: Record<string, unknown>;
}

/**
 * What a user asks for when they request a namespace.
 *
 * @public
 */
export interface NamespaceRequestInput {
  /** Name of a configured cluster. */
  cluster: string;
  /** The namespace name (a DNS-1123 label that fits the tier's naming rule). */
  namespace: string;
  /** Entity ref of the owning Group; the requester must belong to it. */
  owner: string;
  /** Name of a configured tier, e.g. `dev`. */
  tier: string;
  /** Why the namespace is needed; shown to approvers. */
  reason: string;
}

/**
 * A namespace request as the API returns it.
 *
 * @public
 */
export interface NamespaceRequest extends NamespaceRequestInput {
  /** UUID of the request; the `{id}` of `/requests/{id}`. */
  id: string;
  /** Where the request is in its lifecycle, e.g. `pending` or `ready`. */
  status: NamespaceRequestStatus;
  /** Entity ref of the requesting user. */
  requester: string;
  /** ISO 8601 time the request was filed. */
  createdAt: string;
  /** ISO 8601 time of its last change (decision, provisioning step, retry). */
  updatedAt: string;
  /** Entity ref of the approver or rejecter, once decided. */
  decidedBy?: string;
  /**
   * What the approver or rejecter wrote (a rejection always has one); for an
   * automatic approval, that the tier needs none.
   */
  decisionComment?: string;
  /** Last provisioning error, while `failed`. */
  error?: string;
  /**
   * `create` for a new namespace (the default), `decommission` for the
   * deletion of an existing one.
   */
  kind?: 'create' | 'decommission';
  /** ISO 8601 time of the approval or rejection, once decided. */
  decidedAt?: string;
  /** ISO 8601 time after which a pending request expires. */
  expiresAt?: string;
  /** Provisioning attempts made so far. */
  attempts?: number;
  /** ISO 8601 time of the next provisioning retry, while `failed`. */
  nextAttemptAt?: string;
  /** For a decommission request: the id of the request that created the namespace. */
  targetRequestId?: string;
}

/**
 * A Kubernetes object as the API server receives it (the names of the
 * Kubernetes API, e.g. `default` of a LimitRange item), as a dry run and a
 * request's manifests show it.
 *
 * @public
 */
export interface KubernetesManifest {
  /** e.g. `v1` or `rbac.authorization.k8s.io/v1`. */
  apiVersion: string;
  /** e.g. `Namespace` or `RoleBinding`. */
  kind: string;
  /** Name, namespace, labels and annotations. */
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  /** The rest of the object (`spec`, `roleRef`, `subjects`, ...). */
  [field: string]: unknown;
}

/**
 * What filing a namespace request would do, without filing it:
 * `POST /requests/dry-run`. The same checks as filing (input, permission,
 * owner Group membership, a free name) have passed.
 *
 * @public
 */
export interface NamespaceRequestDryRun {
  /** The cluster it would be made on. */
  cluster: string;
  /** The namespace name. */
  namespace: string;
  /** The owner Group's normalised entity ref. */
  owner: string;
  /** The tier's name. */
  tier: string;
  /** `none`: it would be provisioned at once; `required`: it would wait for an approver. */
  approval: 'none' | 'required';
  /**
   * The objects that would be applied, in order, with the owner Group's
   * members of now. The request id annotation holds a placeholder until a
   * request is filed.
   */
  manifests: KubernetesManifest[];
}

/**
 * Where a request stands with the objects of its namespace:
 * `planned` (applied once approved and provisioned), `applied` (in the
 * cluster, kept so by the reconciler), `failed` (provisioning stopped; some
 * may be applied), `deleting` (a decommission deletes them), `deleted` (were
 * applied, deleted since), `not-applied` (rejected, expired or withdrawn).
 *
 * @public
 */
export type ManifestState =
  | 'planned'
  | 'applied'
  | 'failed'
  | 'deleting'
  | 'deleted'
  | 'not-applied';

/**
 * The Kubernetes objects a request applies or applied:
 * `GET /requests/{id}/manifests`.
 *
 * @public
 */
export interface NamespaceRequestManifests {
  /** The request asked about (a decommission request shows its namespace's objects). */
  requestId: string;
  /** The cluster the namespace is on. */
  cluster: string;
  /** The namespace name. */
  namespace: string;
  /** The request's status. */
  status: NamespaceRequestStatus;
  /** Where the request stands with these objects. */
  state: ManifestState;
  /** A file name for the YAML, e.g. `sandbox-payments-api-dev.yaml`. */
  filename: string;
  /** The objects, in the order they are applied. */
  items: KubernetesManifest[];
  /** The same objects as one multi-document YAML file, with a header comment. */
  yaml: string;
}

/**
 * Who the caller is, for certificates: `GET /identity`.
 *
 * @public
 */
export interface CertificateIdentity {
  /** The certificate's common name; Kubernetes maps it to the user. */
  username: string;
  /** The certificate's organisation values; Kubernetes maps each to a group. */
  groups: string[];
  /** Lifetime in seconds a certificate gets when the request sets no `ttlSeconds`. */
  defaultTtlSeconds: number;
  /** Longest lifetime in seconds a certificate gets: the configured maximum, or the signer's cap when lower. */
  maxTtlSeconds: number;
}

/**
 * A cluster a certificate works on, as a kubeconfig needs it.
 *
 * @public
 */
export interface ClusterInfo {
  /** The cluster's short name, used for the kubeconfig cluster and context. */
  name: string;
  /** Human-readable name; absent when none is configured. */
  title?: string;
  /** API server URL. */
  server: string;
  /** Base64 of the PEM CA bundle that signs the API server's certificate. */
  certificateAuthorityData?: string;
}

/**
 * `POST /certificates` body.
 *
 * @public
 */
export interface CertificateRequest {
  /** PEM PKCS#10 CSR with subject exactly CN=username, O=each group. */
  csr: string;
  /**
   * Lifetime in seconds, at least 60; absent: the identity's
   * `defaultTtlSeconds`. Above the configured maximum the request is refused
   * (400); above the signer's cap it is capped, with a warning.
   */
  ttlSeconds?: number;
}

/**
 * `POST /certificates` response (201).
 *
 * @public
 */
export interface IssuedCertificate {
  /** PEM client certificate. */
  certificate: string;
  /** PEM certificates from the issuer up to the root. */
  caChain: string[];
  /** Lowercase hex pairs separated by colons, as Vault prints serials, e.g. `1a:2b:3c`. */
  serialNumber: string;
  /** ISO 8601. */
  expiresAt: string;
  /** The certificate's common name (CN), as in {@link CertificateIdentity}. */
  username: string;
  /** The certificate's organisation values (O), as in {@link CertificateIdentity}. */
  groups: string[];
  /** The clusters the certificate works on, one kubeconfig context each. */
  clusters: ClusterInfo[];
  /** Warnings from the signer (e.g. a TTL that was capped). */
  warnings: string[];
}

/**
 * One of the caller's certificates, as `GET /certificates` lists them.
 *
 * @public
 */
export interface CertificateRecord {
  /** Lowercase hex pairs separated by colons, as Vault prints serials; what revoking takes. */
  serialNumber: string;
  /** The certificate's common name (CN). */
  username: string;
  /** The certificate's organisation values (O), as issued. */
  groups: string[];
  /** ISO 8601. */
  issuedAt: string;
  /** ISO 8601. */
  expiresAt: string;
  /** ISO 8601, once revoked. */
  revokedAt?: string;
}
