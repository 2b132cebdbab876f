import {
  certificateUsernameFromEntityRef,
  CertificateUsernameFormat,
  NamespaceMember,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { GroupDirectory } from './groups';

/**
 * An extra member of a managed namespace (beyond its owner Group).
 *
 * @internal
 */
export interface ExtraMember {
  requestId: string;
  user: string;
  addedBy: string;
  createdAt: string;
}

/**
 * Where extra members are kept (the namespace store implements it).
 *
 * @internal
 */
export interface ExtraMemberStore {
  /** Adds an extra member; false if they were one already. */
  addMember(member: {
    requestId: string;
    user: string;
    addedBy: string;
    now: Date;
  }): Promise<boolean>;

  /**
   * Removes an extra member; false if they were none. With `addedAt`, only
   * the row added at that time: a lapsed row the reconciler removes must not
   * take a fresh one that replaced it in the meantime.
   */
  removeMember(
    requestId: string,
    user: string,
    options?: { addedAt?: string },
  ): Promise<boolean>;

  /** Extra members of the given create requests. */
  listMembers(requestIds: string[]): Promise<ExtraMember[]>;
}

/**
 * Why an extra member no longer counts, although their row is still in the
 * database (the reconciler removes it and records why):
 * - `expired`: older than the tier's `extraMemberMaxLifetime`,
 * - `departed`: their User entity is gone from the catalog,
 * - `redundant`: they are a member of the owner Group, so the extra row
 *   would keep them in after they leave it.
 *
 * @internal
 */
export type LapsedReason = 'expired' | 'departed' | 'redundant';

/**
 * An extra member who no longer counts, and why.
 *
 * @internal
 */
export interface LapsedExtraMember extends ExtraMember {
  reason: LapsedReason;
  /** `expired`: when their access ended. */
  expiresAt?: string;
}

/**
 * Who has access to each of a set of namespaces: the direct members of the
 * owner Group in the catalog plus the extra members added by hand, each with
 * the Kubernetes user name their certificate carries.
 *
 * @internal
 */
export interface ResolvedMembers {
  members: NamespaceMember[];
  /**
   * False when the owner Group could not be found in the catalog. The group
   * part of `members` is then unknown (empty) and must not be used to revoke
   * access: a Group that vanishes for a moment must not lock everyone out.
   */
  groupFound: boolean;
  /** Extra members who no longer count (not in `members`). */
  lapsed: LapsedExtraMember[];
}

/**
 * Resolves the members of managed namespaces.
 *
 * @internal
 */
export class NamespaceMembers {
  private readonly tiers: Map<string, TierInfo>;
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      groups: GroupDirectory;
      store: Pick<ExtraMemberStore, 'listMembers'>;
      usernameFormat: CertificateUsernameFormat;
      /** Tiers, for the extra members' maximum lifetime. */
      tiers?: TierInfo[];
      clock?: () => Date;
    },
  ) {
    this.tiers = new Map((options.tiers ?? []).map(t => [t.name, t]));
    this.clock = options.clock ?? (() => new Date());
  }

  /** The Kubernetes user name of a user entity ref, or undefined if none may be issued. */
  username(user: string): string | undefined {
    return certificateUsernameFromEntityRef({
      userEntityRef: user,
      format: this.options.usernameFormat,
    });
  }

  /** When an extra member of a namespace of this tier loses access; undefined: never. */
  expiresAt(extra: ExtraMember, tier: string): string | undefined {
    const seconds = this.tiers.get(tier)?.extraMemberMaxLifetimeSeconds;
    if (seconds === undefined) return undefined;
    return new Date(
      new Date(extra.createdAt).getTime() + seconds * 1000,
    ).toISOString();
  }

  async resolve(
    namespaces: Array<{ id: string; owner: string; tier?: string }>,
  ): Promise<Map<string, ResolvedMembers>> {
    const [groups, extras] = await Promise.all([
      this.options.groups.getGroups(namespaces.map(n => n.owner)),
      this.options.store.listMembers(namespaces.map(n => n.id)),
    ]);
    // One catalog read for every extra member: leavers are those whose User
    // entity is gone.
    const users = await this.options.groups.getUsers(extras.map(e => e.user));
    const extrasByRequest = new Map<string, ExtraMember[]>();
    for (const extra of extras) {
      const list = extrasByRequest.get(extra.requestId) ?? [];
      list.push(extra);
      extrasByRequest.set(extra.requestId, list);
    }
    const now = this.clock().getTime();
    const result = new Map<string, ResolvedMembers>();
    for (const ns of namespaces) {
      const group = groups.get(ns.owner);
      const inGroup = new Set(
        (group?.members ?? []).map(u => u.toLocaleLowerCase('en-US')),
      );
      const members = new Map<string, NamespaceMember>();
      for (const user of group?.members ?? []) {
        const username = this.username(user);
        if (username) members.set(user, { user, username, source: 'group' });
      }
      const lapsed: LapsedExtraMember[] = [];
      for (const extra of extrasByRequest.get(ns.id) ?? []) {
        const { user } = extra;
        const expiresAt = ns.tier ? this.expiresAt(extra, ns.tier) : undefined;
        if (inGroup.has(user.toLocaleLowerCase('en-US'))) {
          lapsed.push({ ...extra, reason: 'redundant' });
        } else if (!users.get(user)) {
          lapsed.push({ ...extra, reason: 'departed' });
        } else if (expiresAt && new Date(expiresAt).getTime() <= now) {
          lapsed.push({ ...extra, reason: 'expired', expiresAt });
        } else {
          const username = this.username(user);
          if (username && !members.has(user)) {
            members.set(user, {
              user,
              username,
              source: 'extra',
              addedBy: extra.addedBy,
              addedAt: extra.createdAt,
              ...(expiresAt ? { expiresAt } : {}),
            });
          }
        }
      }
      result.set(ns.id, {
        members: [...members.values()].sort((a, b) =>
          a.user.localeCompare(b.user),
        ),
        groupFound: group !== undefined,
        lapsed,
      });
    }
    return result;
  }
}
