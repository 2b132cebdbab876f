import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';

/**
 * Filters for reading the history.
 *
 * @public
 */
export interface HistoryQuery {
  requestId?: string;
  namespace?: string;
  actor?: string;
  /** Newest first; at most this many (default 100, max 1000). */
  limit?: number;
}

/**
 * Where the plugin keeps its state. Every replica of the backend shares it.
 *
 * @public
 */
export interface ClusterAccessStore {
  /** Appends one event to the public history and returns it as stored. */
  addHistoryEvent(
    event: Omit<HistoryEvent, 'id' | 'createdAt'>,
  ): Promise<HistoryEvent>;

  /** Reads the history, newest first. */
  listHistory(query?: HistoryQuery): Promise<HistoryEvent[]>;
}
