/**
 * One event in the public history of the plugin: a request, a decision, a
 * provisioning step, a certificate issuance or a membership change.
 *
 * @public
 */
export interface HistoryEvent {
  id: string;
  /** ISO 8601 time of the event. */
  createdAt: string;
  /** Entity ref of the user (or `system`) that caused the event. */
  actor: string;
  /** Dotted event type, e.g. `request.created`, `certificate.issued`. */
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
 * Lifecycle of a namespace request.
 *
 * @public
 */
export type NamespaceRequestStatus =
  | 'pending'
  | 'approved'
  | 'provisioning'
  | 'ready'
  | 'failed'
  | 'rejected'
  | 'expired'
  | 'decommissioning'
  | 'deleted';

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
  id: string;
  status: NamespaceRequestStatus;
  /** Entity ref of the requesting user. */
  requester: string;
  createdAt: string;
  updatedAt: string;
  /** Entity ref of the approver or rejecter, once decided. */
  decidedBy?: string;
  decisionComment?: string;
  /** Last provisioning error, while `failed`. */
  error?: string;
}
