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
export function notificationsFor(
  event: RecordedHistoryEvent,
  context: NotificationContext,
): PlannedNotification[] {
  const { request, tiers, pagePath } = context;
  const ns = request.namespace;
  const actor = event.actor === 'system' ? undefined : event.actor;
  const requestLink = `${pagePath}/requests?request=${encodeURIComponent(
    request.id,
  )}`;
  const namespacesLink = `${pagePath}/namespaces`;
  const to = (
    entityRef: string[],
    payload: Omit<PlannedNotification['payload'], 'topic' | 'scope'> & {
      scope: string;
    },
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
  const by = actor ? shortName(actor) : 'Cluster Access';
  const what =
    request.kind === 'decommission'
      ? `deleting namespace ${ns}`
      : `namespace ${ns}`;
  const details = event.details ?? {};

  switch (event.type) {
    case 'request.created':
    case 'decommission.requested': {
      const tier = tiers.find(t => t.name === request.tier);
      if (event.type === 'request.created' && tier?.approval !== 'required') {
        return [];
      }
      return to(tier?.approvers ?? [], {
        title: `${shortName(request.requester)} asks for ${what} (${
          request.tier
        })`,
        description: `For ${shortName(request.owner)} on ${request.cluster}${quoted(
          request.reason,
        )}. Open it to approve or reject.`,
        link: requestLink,
        severity: 'normal',
        scope: `request:${request.id}:decide`,
      });
    }
    case 'request.approved':
    case 'decommission.approved':
      // An automatic approval is part of filing: the requester just did it.
      if (!actor) return [];
      return toRequester(
        `${by} approved ${what}`,
        `${by} approved your request${quoted(details.comment)}. ${
          request.kind === 'create'
            ? 'The namespace is being made.'
            : 'The namespace is being deleted.'
        }`,
      );
    case 'request.rejected':
    case 'decommission.rejected':
      return toRequester(
        `${by} rejected ${what}`,
        `${by} rejected your request${quoted(details.comment)}.`,
      );
    case 'request.expired':
      return toRequester(
        `Your request for ${what} expired`,
        'Nobody decided on it in time; you can ask again.',
      );
    case 'provisioning.ready':
      return toRequester(
        `Namespace ${ns} is ready`,
        `On ${request.cluster}: kubectl -n ${ns} get pods`,
      );
    case 'provisioning.failed':
    case 'decommission.failed':
      // Failed attempts are retried with backoff: tell once, not every time.
      if (details.attempt !== 1) return [];
      return toRequester(
        `${
          request.kind === 'create' ? 'Making' : 'Deleting'
        } namespace ${ns} failed`,
        `${String(details.error ?? '')} It is tried again automatically.`,
        'high',
      );
    case 'namespace.deleted':
      return to([request.owner], {
        title: `Namespace ${ns} was deleted`,
        description: `${ns} on ${request.cluster}, owned by ${shortName(
          request.owner,
        )}, is gone.`,
        link: namespacesLink,
        severity: 'normal',
        scope: `namespace:${request.cluster}/${ns}`,
      });
    case 'member.added':
    case 'member.granted':
    case 'member.removed':
    case 'member.revoked':
    case 'member.expired': {
      const user = typeof details.user === 'string' ? details.user : '';
      const gained =
        event.type === 'member.added' || event.type === 'member.granted';
      return to([user], {
        title: gained
          ? `You have access to namespace ${ns}`
          : `You no longer have access to namespace ${ns}`,
        description: gained
          ? `${actor ? `${by} added you to` : 'You were given'} ${ns} on ${
              request.cluster
            }; get a kubeconfig in Cluster access to use it.`
          : `${actor ? `${by} removed you from` : 'Your access ended to'} ${ns} on ${
              request.cluster
            }.`,
        link: namespacesLink,
        severity: 'normal',
        scope: `member:${request.cluster}/${ns}`,
      });
    }
    default:
      return [];
  }
}
