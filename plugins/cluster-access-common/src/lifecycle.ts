/**
 * Every status a namespace request can be in, in lifecycle order. The
 * backend's transition table and the frontend's labels are both keyed by it.
 *
 * @public
 */
export const NAMESPACE_REQUEST_STATUSES = [
  'pending',
  'approved',
  'provisioning',
  'ready',
  'failed',
  'rejected',
  'expired',
  'withdrawn',
  'decommissioning',
  'deleted',
] as const;

/**
 * Lifecycle of a namespace request.
 *
 * @public
 */
export type NamespaceRequestStatus =
  (typeof NAMESPACE_REQUEST_STATUSES)[number];

/**
 * Every event type the public history records. The names are stored in the
 * database as they are here; never rename one.
 *
 * @public
 */
export const HISTORY_EVENT_TYPES = [
  'request.created',
  'request.approved',
  'request.rejected',
  'request.expired',
  'request.withdrawn',
  'provisioning.started',
  'provisioning.step',
  'provisioning.ready',
  'provisioning.failed',
  'decommission.requested',
  'decommission.approved',
  'decommission.rejected',
  'decommission.withdrawn',
  'decommission.started',
  'decommission.failed',
  'namespace.deleted',
  'reconcile.repaired',
  'member.added',
  'member.removed',
  'member.granted',
  'member.revoked',
  'member.expired',
  'member.departed',
  'binding.flagged',
  'binding.removed',
  'certificate.issued',
  'certificate.revoked',
  'certificate.failed',
] as const;

/**
 * One of {@link HISTORY_EVENT_TYPES}.
 *
 * @public
 */
export type HistoryEventType = (typeof HISTORY_EVENT_TYPES)[number];

/**
 * Longest reason or decision comment, in characters (requests, approvals,
 * rejections, decommissions).
 *
 * @public
 */
export const REASON_MAX_LENGTH = 2000;

/**
 * Longest entity ref the API accepts (owner Groups, users), in characters.
 *
 * @public
 */
export const ENTITY_REF_MAX_LENGTH = 255;

/**
 * Longest tier name the API accepts (a DNS label).
 *
 * @public
 */
export const TIER_NAME_MAX_LENGTH = 63;

/**
 * Longest cluster or namespace name the API accepts (a DNS subdomain); the
 * namespace naming rules are stricter (`MAX_NAMESPACE_NAME_LENGTH`).
 *
 * @public
 */
export const OBJECT_NAME_MAX_LENGTH = 253;
