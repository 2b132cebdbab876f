import { Fragment, ReactNode } from 'react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { NamespaceAccess } from '@cluster-access/plugin-cluster-access-common';
import { formatDay } from '../../lib/dates';
import { AccessLine, heldRoles, rolesPhrase } from './accessLines';
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

/**
 * What the entry lets its subject do in the namespace, after their name.
 * `plural` for a line of several members ("have", not "has").
 */
function what(entry: NamespaceAccess, plural = false): ReactNode {
  const roles = heldRoles(entry);
  const namespace = (
    <>
      <NamespaceLink cluster={entry.cluster} namespace={entry.namespace} />
      {entry.status !== 'ready' && ` (${entry.status})`}
    </>
  );
  if (roles.length === 0) {
    return (
      <>
        {plural ? 'have' : 'has'} no RoleBinding in {namespace} yet
      </>
    );
  }
  const phrase = rolesPhrase(roles);
  if (phrase) {
    return (
      <>
        {phrase} {namespace}
      </>
    );
  }
  return (
    <>
      {plural ? 'have' : 'has'} the{' '}
      {roles.map((role, i) => (
        <Fragment key={`${role.kind} ${role.name}`}>
          {i > 0 && (i === roles.length - 1 ? ' and the ' : ', the ')}
          {role.kind} <code>{role.name}</code>
        </Fragment>
      ))}{' '}
      in {namespace}
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
        {what(entry, line.users.length > 1)} as{' '}
        {line.users.length > 1 ? 'members' : 'a member'} of{' '}
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
