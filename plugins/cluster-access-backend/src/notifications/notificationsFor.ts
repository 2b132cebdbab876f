import { parseEntityRef } from '@backstage/catalog-model';
import { TierInfo } from '@cluster-access/plugin-cluster-access-common';
import { RecordedHistoryEvent } from '../history/HistoryRecorder';
import { StoredNamespaceRequest } from '../namespaces/requests/NamespaceStore';

/**
 * One notification to send: to whom (catalog entity refs; a Group reaches
 * its members) and what it says. The shape of
 * `@backstage/plugin-notifications-node`'s `send`, kept apart so that the
 * rules below are plain data to test.
 */
export interface PlannedNotification {
  recipients: { entityRef: string[]; excludeEntityRef: string[] };
  payload: {
    title: string;
    description: string;
    link: string;
    severity: 'high' | 'normal' | 'low';
    topic: string;
    /** Later notifications of the same scope replace earlier ones. */
    scope: string;
  };
}

/** What the rules need besides the event. */
export interface NotificationContext {
  /** The request the event belongs to, as stored now. */
  request: StoredNamespaceRequest;
  tiers: TierInfo[];
  /** Where the app mounts the Cluster Access page, e.g. `/cluster-access`. */
  pagePath: string;
}

const TOPIC = 'Cluster access';

/** `user:default/alice` → `alice`; a ref elsewhere keeps its namespace. */
export function shortName(ref: string): string {
  try {
    const { namespace, name } = parseEntityRef(ref);
    return namespace === 'default' ? name : `${namespace}/${name}`;
  } catch {
    return ref;
  }
}

const quoted = (text: unknown) =>
  typeof text === 'string' && text ? `: "${text}"` : '';

/**
 * Who is told of a history event, and what. Nobody is told of their own
 * action: the actor is always excluded, even when they are in a Group that
 * is told. Events nobody needs to hear of (steps, repairs, flagged bindings,
 * retries after the first failure) give nothing.
 */
/** What every rule uses: the recipients' builder and common phrases. */
function helpers(event: RecordedHistoryEvent, context: NotificationContext) {
  const { request, pagePath } = context;
  const actor = event.actor === 'system' ? undefined : event.actor;
  const requestLink = `${pagePath}/requests?request=${encodeURIComponent(
    request.id,
  )}`;
  const to = (
    entityRef: string[],
    payload: Omit<PlannedNotification['payload'], 'topic'>,
  ): PlannedNotification[] => {
    const refs = entityRef.filter(Boolean);
    if (refs.length === 0) return [];
    return [
      {
        recipients: { entityRef: refs, excludeEntityRef: actor ? [actor] : [] },
        payload: {
          ...payload,
          topic: TOPIC,
          scope: `cluster-access:${payload.scope}`,
        },
      },
    ];
  };
  const toRequester = (
    title: string,
    description: string,
    severity: PlannedNotification['payload']['severity'] = 'normal',
  ) =>
    to([request.requester], {
      title,
      description,
      link: requestLink,
      severity,
      scope: `request:${request.id}`,
    });
  return {
    request,
    actor,
    requestLink,
    namespacesLink: `${pagePath}/namespaces`,
    to,
    toRequester,
    by: actor ? shortName(actor) : 'Cluster Access',
    what:
      request.kind === 'decommission'
        ? `deleting namespace ${request.namespace}`
        : `namespace ${request.namespace}`,
    details: event.details ?? {},
  };
}

type Helpers = ReturnType<typeof helpers>;

/**
 * Who is told of a history event, and what. Nobody is told of their own
 * action: the actor is always excluded, even when they are in a Group that
 * is told. Events nobody needs to hear of (steps, repairs, flagged bindings,
 * retries after the first failure) give nothing.
 */
export function notificationsFor(
  event: RecordedHistoryEvent,
  context: NotificationContext,
): PlannedNotification[] {
  const h = helpers(event, context);
  return (
    approverNotifications(event, h, context.tiers) ??
    requesterNotifications(event, h) ??
    memberNotifications(event, h) ??
    []
  );
}

/** A request that waits for a decision: its tier's approvers. */
function approverNotifications(
  event: RecordedHistoryEvent,
  h: Helpers,
  tiers: TierInfo[],
): PlannedNotification[] | undefined {
  if (
    event.type !== 'request.created' &&
    event.type !== 'decommission.requested'
  ) {
    return undefined;
  }
  const { request } = h;
  const tier = tiers.find(t => t.name === request.tier);
  if (event.type === 'request.created' && tier?.approval !== 'required') {
    return [];
  }
  return h.to(tier?.approvers ?? [], {
    title: `${shortName(request.requester)} asks for ${h.what} (${
      request.tier
    })`,
    description: `For ${shortName(request.owner)} on ${request.cluster}${quoted(
      request.reason,
    )}. Open it to approve or reject.`,
    link: h.requestLink,
    severity: 'normal',
    scope: `request:${request.id}:decide`,
  });
}

/** Decisions and outcomes: the requester. */
function requesterNotifications(
  event: RecordedHistoryEvent,
  h: Helpers,
): PlannedNotification[] | undefined {
  const { request, by, what, details } = h;
  const ns = request.namespace;
  switch (event.type) {
    case 'request.approved':
    case 'decommission.approved':
      // An automatic approval is part of filing: the requester just did it.
      if (!h.actor) return [];
      return h.toRequester(
        `${by} approved ${what}`,
        `${by} approved your request${quoted(details.comment)}. ${
          request.kind === 'create'
            ? 'The namespace is being made.'
            : 'The namespace is being deleted.'
        }`,
      );
    case 'request.rejected':
    case 'decommission.rejected':
      return h.toRequester(
        `${by} rejected ${what}`,
        `${by} rejected your request${quoted(details.comment)}.`,
      );
    case 'request.expired':
      return h.toRequester(
        `Your request for ${what} expired`,
        'Nobody decided on it in time; you can ask again.',
      );
    case 'provisioning.ready':
      return h.toRequester(
        `Namespace ${ns} is ready`,
        `On ${request.cluster}: kubectl -n ${ns} get pods`,
      );
    case 'provisioning.failed':
    case 'decommission.failed':
      // Failed attempts are retried with backoff: tell once, not every time.
      if (details.attempt !== 1) return [];
      return h.toRequester(
        `${
          request.kind === 'create' ? 'Making' : 'Deleting'
        } namespace ${ns} failed`,
        `${String(details.error ?? '')} It is tried again automatically.`,
        'high',
      );
    default:
      return undefined;
  }
}

/** Access gained or lost: the person; a deleted namespace: its owner Group. */
function memberNotifications(
  event: RecordedHistoryEvent,
  h: Helpers,
): PlannedNotification[] | undefined {
  const { request, by, actor, details } = h;
  const ns = request.namespace;
  if (event.type === 'namespace.deleted') {
    return h.to([request.owner], {
      title: `Namespace ${ns} was deleted`,
      description: `${ns} on ${request.cluster}, owned by ${shortName(
        request.owner,
      )}, is gone.`,
      link: h.namespacesLink,
      severity: 'normal',
      scope: `namespace:${request.cluster}/${ns}`,
    });
  }
  const gained =
    event.type === 'member.added' || event.type === 'member.granted';
  const lost =
    event.type === 'member.removed' ||
    event.type === 'member.revoked' ||
    event.type === 'member.expired';
  if (!gained && !lost) return undefined;
  const user = typeof details.user === 'string' ? details.user : '';
  return h.to([user], {
    title: gained
      ? `You have access to namespace ${ns}`
      : `You no longer have access to namespace ${ns}`,
    description: gained
      ? `${actor ? `${by} added you to` : 'You were given'} ${ns} on ${
          request.cluster
        }; get a kubeconfig in Cluster access to use it.`
      : `${
          actor ? `${by} removed you from` : 'Your access ended to'
        } ${ns} on ${request.cluster}.`,
    link: h.namespacesLink,
    severity: 'normal',
    scope: `member:${request.cluster}/${ns}`,
  });
}
