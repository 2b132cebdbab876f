import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  historyNamespace,
  HistoryRecorder,
} from '../../history/HistoryRecorder';
import { Caller } from '../../lib/caller';
import { NamespaceProvisioner } from '../cluster/NamespaceProvisioner';
import { GroupDirectory, isMemberOf, parseRefInput } from '../members/groups';
import { ExtraMemberStore, NamespaceMembers } from '../members/members';
import { NamespaceRequestResource } from './permissionRules';
import { ManagedNamespaceService } from './ManagedNamespaceService';
import { StoredNamespaceRequest } from './NamespaceStore';

/** Which namespace, for whom, asked by whom. */
export interface MemberChange {
  cluster: string;
  namespace: string;
  user: string;
  caller: Caller;
  /** The permission framework's decision on the namespace (tier, cluster, owner). */
  authorize: (resource: NamespaceRequestResource) => Promise<void>;
}

/**
 * Extra members of managed namespaces, added and removed by members of the
 * owner Group. The database row is the decision; the RoleBindings follow at
 * once when the namespace is ready, else at the reconciler's next pass.
 * Members of the owner Group are managed in the catalog, not here.
 *
 * @internal
 */
export class NamespaceMembershipService {
  constructor(
    private readonly options: {
      store: ExtraMemberStore;
      namespaces: ManagedNamespaceService;
      groups: GroupDirectory;
      members: NamespaceMembers;
      provisioner: NamespaceProvisioner;
      history: HistoryRecorder;
      logger: LoggerService;
      clock: () => Date;
    },
  ) {}

  /** Adds an extra member and grants them access at once if the namespace is ready. */
  async addMember(
    change: MemberChange,
  ): Promise<{ user: string; username: string; applied: boolean }> {
    const { store, namespaces, history } = this.options;
    const request = await namespaces.find(change.cluster, change.namespace);
    await change.authorize(request);
    const group = await namespaces.requireOwnerMember(request, change.caller);
    const user = parseRefInput(change.user, 'user', 'user');
    if (isMemberOf(group, user)) {
      // An extra row would keep them in after they leave the Group.
      throw new ConflictError(
        `${user} already has access to ${request.namespace} as a member of ${request.owner}`,
      );
    }
    const username = await this.grantableUsername(user, change.user);
    await this.dropExpired(request, user);
    const added = await store.addMember({
      requestId: request.id,
      user,
      addedBy: change.caller.userEntityRef,
      now: this.options.clock(),
    });
    if (!added) {
      throw new ConflictError(
        `${user} is already a member of ${request.namespace}`,
      );
    }
    await history.namespace('member.added', request, {
      actor: change.caller.userEntityRef,
      message: `${change.caller.userEntityRef} added ${user} to ${request.namespace}`,
      details: { user, username },
    });
    const applied = await this.applyNow(
      request,
      `Granting ${username} access`,
      () => this.options.provisioner.applyMember(request, { user, username }),
    );
    return { user, username, applied };
  }

  /** Removes an extra member and their bindings. Group members are managed in the catalog. */
  async removeMember(change: MemberChange): Promise<{ applied: boolean }> {
    const { store, namespaces, members, history } = this.options;
    const request = await namespaces.find(change.cluster, change.namespace);
    await change.authorize(request);
    await namespaces.requireOwnerMember(request, change.caller);
    const user = parseRefInput(change.user, 'user', 'user');
    if (!(await store.removeMember(request.id, user))) {
      if (await this.hasAccess(request, user)) {
        throw new InputError(
          `${user} is a member of ${request.owner}; change the group in the catalog instead`,
        );
      }
      throw new NotFoundError(
        `${user} is not an extra member of ${request.namespace}`,
      );
    }
    await history.namespace('member.removed', request, {
      actor: change.caller.userEntityRef,
      message: `${change.caller.userEntityRef} removed ${user} from ${request.namespace}`,
      details: { user },
    });
    const username = members.username(user);
    if (!username || (await this.hasAccess(request, user))) {
      return { applied: false };
    }
    const applied = await this.applyNow(
      request,
      `Revoking ${username}'s access`,
      () => this.options.provisioner.removeMember(request, username),
    );
    return { applied };
  }

  /** The user's Kubernetes name, if they are a User who may get access at all. */
  private async grantableUsername(user: string, input: string) {
    if (parseEntityRef(user).kind.toLocaleLowerCase('en-US') !== 'user') {
      throw new InputError(`user must be a User entity ref, got ${input}`);
    }
    const username = this.options.members.username(user);
    if (!username) {
      throw new InputError(`${user} cannot be given cluster access`);
    }
    if (!(await this.options.groups.userExists(user))) {
      throw new InputError(`Unknown user ${user}`);
    }
    return username;
  }

  /**
   * An extra membership that ran out but that the reconciler has not cleaned
   * up yet: adding them again starts a new one.
   */
  private async dropExpired(request: StoredNamespaceRequest, user: string) {
    const { lapsed } = (await this.options.members.resolve([request])).get(
      request.id,
    )!;
    const old = lapsed.find(l => l.user === user && l.reason === 'expired');
    if (old) {
      await this.options.store.removeMember(request.id, user, {
        addedAt: old.createdAt,
      });
    }
  }

  private async hasAccess(request: StoredNamespaceRequest, user: string) {
    return (await this.options.members.resolve([request]))
      .get(request.id)!
      .members.some(m => m.user === user);
  }

  /**
   * Changes the cluster now when the namespace is ready. A failure is only
   * logged: the reconciler makes the cluster match on its next pass.
   */
  private async applyNow(
    request: StoredNamespaceRequest,
    what: string,
    change: () => Promise<void>,
  ): Promise<boolean> {
    if (request.status !== 'ready') return false;
    try {
      await change();
      return true;
    } catch (e) {
      this.options.logger.warn(
        `${what} to ${historyNamespace(request)} failed: ${e}`,
      );
      return false;
    }
  }
}
