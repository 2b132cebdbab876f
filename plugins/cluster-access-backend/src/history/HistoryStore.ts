import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';

/**
 * Filters for reading the history.
 *
 * @internal
 */
export interface HistoryQuery {
  requestId?: string;
  namespace?: string;
  actor?: string;
  /** Newest first; at most this many (default 100, max 1000). */
  limit?: number;
  /**
   * Only events stored before the one with this `seq` (from
   * {@link HistoryPage.nextBefore}): the next, older page.
   */
  before?: number;
}

/**
 * One page of the history, newest first.
 *
 * @internal
 */
export interface HistoryPage {
  items: HistoryEvent[];
  /**
   * Set when older events match: pass it as `before` for the next page. It
   * is the insertion order (`seq`) of the last item, so events added while
   * paging neither repeat nor shift the pages.
   */
  nextBefore?: number;
}

/**
 * An event to append: the store gives it its id and time.
 *
 * @internal
 */
export type NewHistoryEvent = Omit<HistoryEvent, 'id' | 'createdAt'>;

/**
 * The public history: append-only, shared by every replica. Events are
 * written through the {@link HistoryRecorder}.
 *
 * @internal
 */
export interface HistoryStore {
  /** Appends one event and returns it as stored. */
  addHistoryEvent(event: NewHistoryEvent): Promise<HistoryEvent>;

  /**
   * Appends several events in one write, in order, each stored with its own
   * `at` (default: now). All or none are stored.
   */
  addHistoryEvents(
    events: Array<NewHistoryEvent & { at?: Date }>,
  ): Promise<HistoryEvent[]>;

  /** Reads the history, newest first (one page of it). */
  listHistory(query?: HistoryQuery): Promise<HistoryEvent[]>;

  /** Reads one page of the history, newest first, and where the next starts. */
  listHistoryPage(query?: HistoryQuery): Promise<HistoryPage>;
}
