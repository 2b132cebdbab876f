import {
  AccessRole,
  NamespaceAccess,
} from '@cluster-access/plugin-cluster-access-common';
import { namespaceKey } from '../../lib/namespaces';

/**
 * One line of the access view: the members of the owner Group of one
 * namespace together, or one other way in.
 */
export type AccessLine =
  | { kind: 'members'; key: string; entry: NamespaceAccess; users: string[] }
  | { kind: 'entry'; key: string; entry: NamespaceAccess };

/**
 * Groups entries into lines: the owner Group's members of a namespace make
 * one line ("Alice and Bob can edit …"), every other entry one line each.
 * Flagged entries come first, so that they are not missed in a long list.
 */
export function accessLines(entries: NamespaceAccess[]): AccessLine[] {
  const lines: AccessLine[] = [];
  const members = new Map<
    string,
    { entry: NamespaceAccess; users: string[] }
  >();
  for (const entry of entries) {
    const ns = namespaceKey(entry.cluster, entry.namespace);
    if (entry.via === 'group' && entry.user) {
      const line = members.get(ns);
      if (line) {
        line.users.push(entry.user);
      } else {
        const created = { entry, users: [entry.user] };
        members.set(ns, created);
        lines.push({ kind: 'members', key: `${ns} members`, ...created });
      }
    } else {
      lines.push({
        kind: 'entry',
        key: `${ns} ${entry.via} ${entry.binding ?? ''} ${entry.subject.kind} ${
          entry.subject.namespace ?? ''
        } ${entry.subject.name}`,
        entry,
      });
    }
  }
  const flagged = (line: AccessLine) => (line.entry.flagged ? 0 : 1);
  return lines
    .map((line, index) => ({ line, index }))
    .sort((a, b) => flagged(a.line) - flagged(b.line) || a.index - b.index)
    .map(({ line }) => line);
}

const CLUSTER_ROLE_VERBS: Record<string, string> = {
  view: 'can view',
  edit: 'can edit',
  admin: 'can administer',
};

/**
 * What a role lets someone do, as words before the namespace's name, or
 * undefined when there are no good words for it (the role is then named).
 */
export function roleVerb(role: AccessRole): string | undefined {
  if (role.kind === 'ClusterRole') return CLUSTER_ROLE_VERBS[role.name];
  if (role.name === 'rolebinding-manager') {
    return 'can manage role bindings in';
  }
  return undefined;
}
