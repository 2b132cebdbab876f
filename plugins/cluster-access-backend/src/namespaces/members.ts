import {
  certificateUsernameFromEntityRef,
  CertificateUsernameFormat,
  NamespaceMember,
} from '@cluster-access/plugin-cluster-access-common';
import { GroupDirectory } from './groups';
import { NamespaceStore } from './NamespaceStore';

/**
 * Who has access to each of a set of namespaces: the direct members of the
 * owner Group in the catalog plus the extra members added by hand, each with
 * the Kubernetes user name their certificate carries.
 *
 * @public
 */
export interface ResolvedMembers {
  members: NamespaceMember[];
  /**
   * False when the owner Group could not be found in the catalog. The group
   * part of `members` is then unknown (empty) and must not be used to revoke
   * access: a Group that vanishes for a moment must not lock everyone out.
   */
  groupFound: boolean;
}

/**
 * Resolves the members of managed namespaces.
 *
 * @public
 */
export class NamespaceMembers {
  constructor(
    private readonly options: {
      groups: GroupDirectory;
      store: Pick<NamespaceStore, 'listMembers'>;
      usernameFormat: CertificateUsernameFormat;
    },
  ) {}

  /** The Kubernetes user name of a user entity ref, or undefined if none may be issued. */
  username(user: string): string | undefined {
    return certificateUsernameFromEntityRef({
      userEntityRef: user,
      format: this.options.usernameFormat,
    });
  }

  async resolve(
    namespaces: Array<{ id: string; owner: string }>,
  ): Promise<Map<string, ResolvedMembers>> {
    const [groups, extras] = await Promise.all([
      this.options.groups.getGroups(namespaces.map(n => n.owner)),
      this.options.store.listMembers(namespaces.map(n => n.id)),
    ]);
    const extrasByRequest = new Map<string, string[]>();
    for (const extra of extras) {
      const list = extrasByRequest.get(extra.requestId) ?? [];
      list.push(extra.user);
      extrasByRequest.set(extra.requestId, list);
    }
    const result = new Map<string, ResolvedMembers>();
    for (const ns of namespaces) {
      const group = groups.get(ns.owner);
      const members = new Map<string, NamespaceMember>();
      for (const user of group?.members ?? []) {
        const username = this.username(user);
        if (username) members.set(user, { user, username, source: 'group' });
      }
      for (const user of extrasByRequest.get(ns.id) ?? []) {
        const username = this.username(user);
        if (username && !members.has(user)) {
          members.set(user, { user, username, source: 'extra' });
        }
      }
      result.set(ns.id, {
        members: [...members.values()].sort((a, b) =>
          a.user.localeCompare(b.user),
        ),
        groupFound: group !== undefined,
      });
    }
    return result;
  }
}
