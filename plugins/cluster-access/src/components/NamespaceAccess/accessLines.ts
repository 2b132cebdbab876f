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
      // Members who hold the same roles share a line.
      const key = `${ns} members ${heldRoles(entry)
        .map(r => `${r.kind}/${r.name}`)
        .join(',')}`;
      const line = members.get(key);
      if (line) {
        line.users.push(entry.user);
      } else {
        const created = { entry, users: [entry.user] };
        members.set(key, created);
        lines.push({ kind: 'members', key, ...created });
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

/**
 * The roles one way in gives: for members and extra members those of the
 * RoleBindings the reconciler found for them (none yet before its first
 * pass), for a kubectl-made binding its own.
 */
export function heldRoles(entry: NamespaceAccess): AccessRole[] {
  return entry.via === 'binding' ? [entry.role] : entry.roles ?? [];
}

const CLUSTER_ROLE_VERBS: Record<string, string> = {
  view: 'view',
  edit: 'edit',
  admin: 'administer',
};

/**
 * What a role lets someone do, as words after "can" and before the
 * namespace's name, or undefined when there are no good words for it (the
 * role is then named).
 */
export function roleVerb(role: AccessRole): string | undefined {
  if (role.kind === 'ClusterRole') return CLUSTER_ROLE_VERBS[role.name];
  if (role.name === 'rolebinding-manager') return 'manage role bindings in';
  return undefined;
}

/**
 * Several roles' verbs as one phrase before the namespace's name ("can
 * edit and manage role bindings in"), or undefined when one of them has no
 * words. Verbs that end in a preposition go last, so the name follows it.
 */
export function rolesPhrase(roles: AccessRole[]): string | undefined {
  const verbs = roles.map(roleVerb);
  if (!verbs.length || verbs.some(v => v === undefined)) return undefined;
  const ordered = (verbs as string[]).sort(
    (a, b) => Number(a.endsWith(' in')) - Number(b.endsWith(' in')),
  );
  return `can ${ordered.join(' and ')}`;
}
