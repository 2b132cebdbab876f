import { Fragment, ReactNode } from 'react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { NamespaceAccess } from '@cluster-access/plugin-cluster-access-common';
import { formatDay } from '../../lib/dates';
import { AccessLine, roleVerb } from './accessLines';
import { NamespaceLink } from '../NamespaceLink';

const Person = (props: { entityRef: string }) => (
  <EntityRefLink entityRef={props.entityRef} hideIcon />
);

/** `A`, `A and B`, `A, B and C`. */
function listOf(items: ReactNode[]): ReactNode {
  return items.map((item, i) => (
    <Fragment key={i}>
      {i > 0 && (i === items.length - 1 ? ' and ' : ', ')}
      {item}
    </Fragment>
  ));
}

/** Who a kubectl-made binding lets in, at the start of a sentence. */
function who(entry: NamespaceAccess): ReactNode {
  const { subject } = entry;
  if (entry.user) return <Person entityRef={entry.user} />;
  if (entry.standing === 'owner-group') {
    return (
      <>
        Everyone in <Person entityRef={entry.owner} />
      </>
    );
  }
  if (subject.kind === 'ServiceAccount') {
    return (
      <>
        The service account <code>{subject.name}</code>
        {subject.namespace !== entry.namespace && (
          <>
            {' '}
            of namespace <code>{subject.namespace}</code>
          </>
        )}
      </>
    );
  }
  return (
    <>
      {subject.kind === 'Group' ? 'The group' : 'User'}{' '}
      <code>{subject.name}</code>
    </>
  );
}

function what(entry: NamespaceAccess): ReactNode {
  const verb = roleVerb(entry.role);
  const namespace = (
    <>
      <NamespaceLink cluster={entry.cluster} namespace={entry.namespace} />
      {entry.status !== 'ready' && ` (${entry.status})`}
    </>
  );
  if (verb) {
    return (
      <>
        {verb} {namespace}
      </>
    );
  }
  return (
    <>
      has the {entry.role.kind} <code>{entry.role.name}</code> in {namespace}
    </>
  );
}

const OUTSIDER: Record<NamespaceAccess['subject']['kind'], string> = {
  User: ': neither a member nor an extra member.',
  Group: ': a group other than the owner Group.',
  ServiceAccount: ': a service account of another namespace.',
};

function bindingSuffix(entry: NamespaceAccess): string {
  if (entry.standing === 'outsider') return OUTSIDER[entry.subject.kind];
  if (entry.standing === 'unknown') {
    return ' (the owner Group is missing from the catalog, so this cannot be checked).';
  }
  return '.';
}

/** One way in, as a sentence. */
export const AccessSentence = (props: { line: AccessLine }) => {
  const { line } = props;
  const { entry } = line;
  if (line.kind === 'members') {
    return (
      <>
        {listOf(line.users.map(u => <Person key={u} entityRef={u} />))}{' '}
        {what(entry)} as {line.users.length > 1 ? 'members' : 'a member'} of{' '}
        <Person entityRef={entry.owner} />.
      </>
    );
  }
  if (entry.via === 'extra' || entry.via === 'group') {
    return (
      <>
        {who(entry)} {what(entry)} as{' '}
        {entry.via === 'group' ? (
          <>
            a member of <Person entityRef={entry.owner} />
          </>
        ) : (
          'an extra member'
        )}
        {entry.addedBy && (
          <>
            , added by <Person entityRef={entry.addedBy} />
            {entry.addedAt && ` on ${formatDay(entry.addedAt)}`}
          </>
        )}
        {entry.expiresAt && `, until ${formatDay(entry.expiresAt)}`}.
      </>
    );
  }
  return (
    <>
      {who(entry)} {what(entry)} through the RoleBinding{' '}
      <code>{entry.binding}</code>, made with kubectl{bindingSuffix(entry)}
    </>
  );
};
