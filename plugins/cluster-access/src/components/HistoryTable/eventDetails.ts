import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';

/**
 * One string field of an event's details, or `undefined`: the details are
 * typed per event in the backend but arrive here as plain JSON, and older
 * events may lack a field.
 */
export function detail(event: HistoryEvent, key: string): string | undefined {
  const value = event.details?.[key];
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** The kinds of event a reader filters by, in the order the filter lists them. */
export const EVENT_KINDS = {
  requests: 'Requests and decisions',
  provisioning: 'Provisioning and deletion',
  members: 'Members',
  certificates: 'Certificates',
  repairs: 'Repairs',
} as const;

/** One of {@link EVENT_KINDS}. */
export type EventKind = keyof typeof EVENT_KINDS;

/** The kind of one event, from its type's prefix and name. */
export function eventKind(event: HistoryEvent): EventKind {
  const [prefix, action] = event.type.split('.');
  switch (prefix) {
    case 'request':
      return 'requests';
    case 'decommission':
      return ['requested', 'approved', 'rejected'].includes(action)
        ? 'requests'
        : 'provisioning';
    case 'provisioning':
    case 'namespace':
      return 'provisioning';
    case 'member':
      return 'members';
    case 'certificate':
      return 'certificates';
    default:
      return 'repairs';
  }
}
