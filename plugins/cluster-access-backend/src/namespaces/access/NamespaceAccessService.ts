import { parseEntityRef } from '@backstage/catalog-model';
import {
  AccessRole,
  mapCertificateGroupName,
  NamespaceAccess,
} from '@cluster-access/plugin-cluster-access-common';
import { ObservedBinding, ownerGroupName, subjectStanding } from './access';
import { NamespaceAccessStore } from './AccessStore';
import { GroupDirectory, parseRefInput } from '../members/groups';
import { NamespaceMembers, ResolvedMembers } from '../members/members';
import { MANAGED_NAMESPACE_STATUSES } from '../requests/lifecycle';
import {
  NamespaceStore,
  StoredNamespaceRequest,
} from '../requests/NamespaceStore';

/**
 * Filters of `GET /access`.
 *
 * @internal
 */
export interface AccessFilter {
  /** Only namespaces owned by this Group entity ref. */
  owner?: string;
  cluster?: string;
  namespace?: string;
  /** Only the ways in of this User entity ref (as a person, by user name or through their Groups). */
  user?: string;
  /** Only entries that let in outsiders. */
  flagged?: boolean;
}

const VIA_ORDER = { group: 0, extra: 1, binding: 2 } as const;

/**
 * The roles a member holds through Cluster Access's own RoleBindings, as
 * provisioning, member changes and then the reconciler recorded them: none
 * until one of them is applied. ClusterRoles first, each role once.
 */
function heldRoles(own: ObservedBinding[], username: string): AccessRole[] {
  const roles = new Map<string, AccessRole>();
  for (const row of own) {
    if (row.subject.kind !== 'User' || row.subject.name !== username) continue;
    roles.set(`${row.role.kind} ${row.role.name}`, row.role);
  }
  return [...roles.values()].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
  );
}

const EDIT = { kind: 'ClusterRole', name: 'edit' } as const;

/**
 * Answers "who can get in, and why" for managed namespaces. Members and
 * extras come from the catalog and the database as they are now; the roles
 * they hold come from the bindings applied since (recorded as they were
 * applied) or found by the reconciler's last pass, and bindings made with
 * kubectl from that pass alone (only it reads the clusters).
 *
 * @internal
 */
export class NamespaceAccessService {
  constructor(
    private readonly options: {
      store: Pick<NamespaceStore, 'listRequests'>;
      access: NamespaceAccessStore;
      members: NamespaceMembers;
      groups: GroupDirectory;
      groupPrefix: string;
    },
  ) {}

  async listAccess(filter: AccessFilter): Promise<NamespaceAccess[]> {
    const { store, access, members } = this.options;
    const owner = filter.owner
      ? parseRefInput(filter.owner, 'group', 'owner')
      : undefined;
    const user = filter.user
      ? parseRefInput(filter.user, 'user', 'user')
      : undefined;
    const requests = await store.listRequests({
      kind: 'create',
      status: [...MANAGED_NAMESPACE_STATUSES],
      owner: owner ? [owner] : undefined,
      cluster: filter.cluster,
      namespace: filter.namespace,
      limit: 5000,
    });
    const [resolved, observed, matches] = await Promise.all([
      members.resolve(requests),
      access.listBindings(requests.map(r => r.id)),
      this.userMatcher(user),
    ]);
    const observedByRequest = new Map<string, ObservedBinding[]>();
    for (const row of observed) {
      const list = observedByRequest.get(row.requestId) ?? [];
      list.push(row);
      observedByRequest.set(row.requestId, list);
    }
    const entries = requests.flatMap(request =>
      this.entries(
        request,
        resolved.get(request.id)!,
        observedByRequest.get(request.id) ?? [],
      ),
    );
    await this.nameOutsiders(entries);
    return entries
      .filter(entry => !filter.flagged || entry.flagged)
      .filter(matches)
      .sort(
        (a, b) =>
          a.cluster.localeCompare(b.cluster) ||
          a.namespace.localeCompare(b.namespace) ||
          VIA_ORDER[a.via] - VIA_ORDER[b.via] ||
          (a.binding ?? '').localeCompare(b.binding ?? '') ||
          a.subject.name.localeCompare(b.subject.name),
      );
  }

  /**
   * Which entries concern a user: theirs by entity ref, bindings to their
   * Kubernetes user name, and bindings to the certificate names of their
   * Groups.
   */
  private async userMatcher(
    user: string | undefined,
  ): Promise<(entry: NamespaceAccess) => boolean> {
    if (!user) return () => true;
    const username = this.options.members.username(user);
    const info = (await this.options.groups.getUsers([user])).get(user);
    const groupNames = new Set(
      (info?.groups ?? [])
        .map(group =>
          mapCertificateGroupName({
            name: parseEntityRef(group).name,
            prefix: this.options.groupPrefix,
          }),
        )
        .filter((name): name is string => Boolean(name)),
    );
    const self = user.toLocaleLowerCase('en-US');
    return entry =>
      entry.user?.toLocaleLowerCase('en-US') === self ||
      (entry.subject.kind === 'User' && entry.subject.name === username) ||
      (entry.subject.kind === 'Group' && groupNames.has(entry.subject.name));
  }

  /**
   * Finds the catalog User behind outsiders' user names, so that the page
   * can name them: the refs whose certificate user name is exactly that
   * name, among those that exist (one catalog read).
   */
  private async nameOutsiders(entries: NamespaceAccess[]): Promise<void> {
    const outsiders = entries.filter(
      e => e.standing === 'outsider' && e.subject.kind === 'User' && !e.user,
    );
    const candidates = new Map<string, string[]>();
    for (const { subject } of outsiders) {
      if (candidates.has(subject.name)) continue;
      const refs = [`user:default/${subject.name}`];
      // With the '{{namespace}}-{{name}}' format, any '-' may be the seam.
      for (let i = subject.name.indexOf('-'); i > 0; ) {
        refs.push(
          `user:${subject.name.slice(0, i)}/${subject.name.slice(i + 1)}`,
        );
        i = subject.name.indexOf('-', i + 1);
      }
      candidates.set(
        subject.name,
        refs.filter(ref => this.usernameOf(ref) === subject.name),
      );
    }
    const refs = [...candidates.values()].flat();
    if (refs.length === 0) return;
    let users: Map<string, unknown>;
    try {
      users = await this.options.groups.getUsers(refs);
    } catch {
      // Names are a courtesy: without them the user names are shown.
      return;
    }
    for (const entry of outsiders) {
      const found = candidates
        .get(entry.subject.name)!
        .filter(ref => users.get(ref));
      // Only a name that points at one person.
      if (found.length === 1) entry.user = found[0];
    }
  }

  /** The certificate user name of a ref; undefined for what is no entity ref at all. */
  private usernameOf(ref: string): string | undefined {
    try {
      return this.options.members.username(ref);
    } catch {
      return undefined;
    }
  }

  private entries(
    request: StoredNamespaceRequest,
    membership: ResolvedMembers,
    observed: ObservedBinding[],
  ): NamespaceAccess[] {
    const base = {
      cluster: request.cluster,
      namespace: request.namespace,
      owner: request.owner,
      status: request.status,
    };
    const own = observed.filter(row => row.managed);
    const entries: NamespaceAccess[] = membership.members.map(member => ({
      ...base,
      via: member.source,
      subject: { kind: 'User', name: member.username },
      user: member.user,
      role: EDIT,
      roles: heldRoles(own, member.username),
      flagged: false,
      ...(member.addedBy ? { addedBy: member.addedBy } : {}),
      ...(member.addedAt ? { addedAt: member.addedAt } : {}),
      ...(member.expiresAt ? { expiresAt: member.expiresAt } : {}),
    }));
    const ownerGroup = ownerGroupName(request.owner, this.options.groupPrefix);
    for (const row of observed) {
      if (row.managed) continue;
      // Standing as of now: a member who left the Group since the last pass
      // shows as an outsider at once.
      const { standing, user } = subjectStanding({
        subject: row.subject,
        namespace: request.namespace,
        members: membership.members,
        groupFound: membership.groupFound,
        ownerGroup,
      });
      entries.push({
        ...base,
        via: 'binding',
        subject: row.subject,
        ...(user ? { user } : {}),
        role: row.role,
        binding: row.binding,
        standing,
        flagged: standing === 'outsider',
        since: row.firstSeenAt,
      });
    }
    return entries;
  }
}
