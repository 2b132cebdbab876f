import { ReactNode } from 'react';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import { formatDate } from '../../lib/dates';
import { NamespaceKeyLink } from '../NamespaceLink';
import { detail } from './eventDetails';
import { Person } from './Person';

/** A quoted comment or reason after a sentence, if there is one. */
const quote = (text?: string) => (text ? <>: “{text}”</> : null);

/** The types whose sentence needs no details. */
const BARE_TYPES = new Set([
  'request.approved',
  'request.rejected',
  'request.expired',
  'provisioning.ready',
  'decommission.approved',
  'decommission.rejected',
  'namespace.deleted',
]);

/** What every sentence may use: the event and its names as links. */
interface Parts {
  event: HistoryEvent;
  who: ReactNode;
  ns: ReactNode;
  user: ReactNode;
  comment: ReactNode;
  reason: ReactNode;
  error?: string;
}

const sentences: Record<string, (p: Parts) => ReactNode> = {
  'request.created': ({ event, who, ns, reason }) => (
    <>
      {who} requested {ns} ({detail(event, 'tier')}) for{' '}
      <Person entityRef={detail(event, 'owner')} />
      {reason}
    </>
  ),
  'request.approved': ({ who, ns, comment }) => (
    <>
      {who} approved {ns}
      {comment}
    </>
  ),
  'request.rejected': ({ who, ns, comment }) => (
    <>
      {who} rejected {ns}
      {comment}
    </>
  ),
  'request.expired': ({ ns }) => (
    <>The request for {ns} expired without a decision</>
  ),
  'provisioning.started': ({ event, ns }) => (
    <>
      Creating {ns} (attempt {detail(event, 'attempt')})
    </>
  ),
  'provisioning.step': ({ event }) => (
    <>
      {detail(event, 'action') === 'created' ? 'Created' : 'Applied'}{' '}
      {detail(event, 'kind')} <code>{detail(event, 'name')}</code>
    </>
  ),
  'provisioning.ready': ({ ns }) => <>{ns} is ready</>,
  'provisioning.failed': ({ ns, error }) => (
    <>
      Creating {ns} failed{error ? `: ${error}` : ''}; it is retried
    </>
  ),
  'decommission.requested': ({ who, ns, reason }) => (
    <>
      {who} asked to delete {ns}
      {reason}
    </>
  ),
  'decommission.approved': ({ who, ns, comment }) => (
    <>
      {who} approved deleting {ns}
      {comment}
    </>
  ),
  'decommission.rejected': ({ who, ns, comment }) => (
    <>
      {who} refused to delete {ns}
      {comment}
    </>
  ),
  'decommission.started': ({ ns }) => <>Deleting {ns}</>,
  'decommission.failed': ({ ns, error }) => (
    <>
      Deleting {ns} failed{error ? `: ${error}` : ''}; it is retried
    </>
  ),
  'namespace.deleted': ({ ns }) => <>{ns} was deleted</>,
  'reconcile.repaired': ({ event, ns }) => {
    const objects = event.details?.objects;
    return (
      <>
        Cluster Access repaired{' '}
        {Array.isArray(objects) ? objects.join(', ') : 'objects'} in {ns}
      </>
    );
  },
  'binding.flagged': ({ event, ns }) => (
    <>
      Cluster Access found a binding it does not manage in {ns}:{' '}
      <code>{detail(event, 'binding')}</code>
    </>
  ),
  'binding.removed': ({ event, ns }) => (
    <>
      Cluster Access removed the binding <code>{detail(event, 'binding')}</code>{' '}
      from {ns}
    </>
  ),
  'member.added': ({ who, ns, user }) => (
    <>
      {who} added {user} to {ns}
    </>
  ),
  'member.removed': ({ event, who, ns, user, reason }) =>
    detail(event, 'reason') ? (
      <>
        {user} was removed from {ns}
        {reason}
      </>
    ) : (
      <>
        {who} removed {user} from {ns}
      </>
    ),
  'member.granted': ({ ns, user }) => (
    <>
      {user} can now use {ns}
    </>
  ),
  'member.revoked': ({ ns, user }) => (
    <>
      {user} can no longer use {ns}
    </>
  ),
  'member.expired': ({ ns, user }) => (
    <>
      {user}’s extra membership of {ns} expired
    </>
  ),
  'member.departed': ({ ns, user, reason }) => (
    <>
      {user} left {ns}
      {reason}
    </>
  ),
  'certificate.issued': ({ event, who }) => (
    <>
      {who} got a certificate as <code>{detail(event, 'username')}</code>
      {detail(event, 'expiresAt') &&
        `, valid until ${formatDate(detail(event, 'expiresAt')!)}`}
    </>
  ),
  'certificate.revoked': ({ who }) => <>{who} revoked a certificate</>,
  'certificate.failed': ({ event, who, reason }) => (
    <>
      {who} could not {detail(event, 'action') === 'revoke' ? 'revoke' : 'get'}{' '}
      a certificate{reason}
    </>
  ),
};

/**
 * One history event as a sentence with names and links ("Carol Carlsson
 * approved payments-api-qa: “OK for the release test”"). Types this
 * version does not know fall back to the backend's own message.
 */
export const EventSentence = (props: { event: HistoryEvent }) => {
  const { event } = props;
  const parts: Parts = {
    event,
    who: <Person entityRef={event.actor} />,
    ns: event.namespace ? (
      <NamespaceKeyLink namespaceKey={event.namespace} />
    ) : (
      <>a namespace</>
    ),
    user: <Person entityRef={detail(event, 'user')} />,
    comment: quote(detail(event, 'comment')),
    reason: quote(detail(event, 'reason')),
    error: detail(event, 'error'),
  };

  // An event written without the details or namespace a sentence needs
  // (by an older version, or a minimal test) reads best as it was written.
  const [prefix] = event.type.split('.');
  const incomplete =
    (!event.details && !BARE_TYPES.has(event.type)) ||
    (!event.namespace && prefix !== 'certificate');
  const sentence = incomplete ? undefined : sentences[event.type];
  return <>{sentence ? sentence(parts) : event.message}</>;
};
