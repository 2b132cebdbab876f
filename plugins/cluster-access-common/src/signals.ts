import { HistoryEventType } from './lifecycle';

/**
 * The signals channel on which the backend announces every history event,
 * so that pages reload what changed instead of polling.
 *
 * @public
 */
export const CLUSTER_ACCESS_SIGNAL_CHANNEL = 'cluster-access';

/**
 * What a signal on {@link CLUSTER_ACCESS_SIGNAL_CHANNEL} carries. It goes to
 * every signed-in user, so it holds only what the public history already
 * shows every one of them, and less: the kind of event and, for namespace
 * events, the request id, cluster and namespace. Never actors, reasons,
 * comments, certificate serials or errors: a page that wants those reads
 * them through the API, with the reader's own credentials.
 *
 * @public
 */
export type ClusterAccessSignal = {
  type: HistoryEventType;
  requestId?: string;
  cluster?: string;
  namespace?: string;
};
