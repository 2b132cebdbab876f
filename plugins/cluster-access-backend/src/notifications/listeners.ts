import {
  ClusterAccessSignal,
  CLUSTER_ACCESS_SIGNAL_CHANNEL,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import {
  HistoryListener,
  RecordedHistoryEvent,
} from '../history/HistoryRecorder';
import { NamespaceStore } from '../namespaces/requests/NamespaceStore';
import { notificationsFor, PlannedNotification } from './notificationsFor';

/**
 * The part of `@backstage/plugin-notifications-node`'s `NotificationService`
 * used here.
 */
export interface NotificationSender {
  send(options: {
    recipients: {
      type: 'entity';
      entityRef: string[];
      excludeEntityRef?: string[];
    };
    payload: PlannedNotification['payload'];
  }): Promise<void>;
}

/** The part of `@backstage/plugin-signals-node`'s `SignalsService` used here. */
export interface SignalPublisher {
  publish(signal: {
    recipients: { type: 'broadcast' };
    channel: string;
    message: ClusterAccessSignal;
  }): Promise<void>;
}

/**
 * Notifies people of the namespace events that concern them (see
 * {@link notificationsFor}). The request is read again from the store, so
 * that the rules see its requester, owner, tier and kind, which the history
 * row does not hold.
 */
export function notificationListener(options: {
  notifications: NotificationSender;
  store: Pick<NamespaceStore, 'getRequest'>;
  tiers: TierInfo[];
  pagePath: string;
}): HistoryListener {
  return async event => {
    if (!event.target) return;
    const request = await options.store.getRequest(event.target.id);
    if (!request) return;
    const planned = notificationsFor(event, {
      request,
      tiers: options.tiers,
      pagePath: options.pagePath,
    });
    for (const { recipients, payload } of planned) {
      await options.notifications.send({
        recipients: { type: 'entity', ...recipients },
        payload,
      });
    }
  };
}

/** The signal of one event: only what every signed-in user may see. */
export function signalOf(event: RecordedHistoryEvent): ClusterAccessSignal {
  const { target } = event;
  return target
    ? {
        type: event.type,
        requestId: target.id,
        cluster: target.cluster,
        namespace: target.namespace,
      }
    : { type: event.type };
}

/** Announces every history event to every signed-in user's open pages. */
export function signalListener(signals: SignalPublisher): HistoryListener {
  return async event => {
    await signals.publish({
      recipients: { type: 'broadcast' },
      channel: CLUSTER_ACCESS_SIGNAL_CHANNEL,
      message: signalOf(event),
    });
  };
}
