import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';

/** The events of one request (or one event on its own), oldest first. */
export interface EventGroup {
  key: string;
  /** `<cluster>/<namespace>`, when the events belong to a namespace. */
  namespace?: string;
  /** Time of the newest event, ISO 8601. */
  latestAt: string;
  events: HistoryEvent[];
}

/**
 * Groups events by request, newest group first, so that a namespace's ten
 * provisioning steps read as one story; events of no request (certificates)
 * stay on their own.
 */
export function groupEvents(newestFirst: HistoryEvent[]): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const event of newestFirst) {
    const key = event.requestId ? `request:${event.requestId}` : event.id;
    let group = groups.get(key);
    if (!group) {
      group = { key, latestAt: event.createdAt, events: [] };
      groups.set(key, group);
    }
    group.namespace ??= event.namespace;
    group.events.unshift(event);
  }
  return [...groups.values()];
}
