import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  ManagedNamespace,
  matchesNamingPattern,
  NamespaceClusterInfo,
  namespaceNamePart,
  namespaceNameProblems,
  NamespaceRequest,
  NamespaceRequestInput,
  NamespaceRequestStatus,
  QuotaUsage,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { ClusterAccessStore } from '../database/ClusterAccessStore';
import { MANAGED_SELECTOR } from '../provisioning/labels';
import { NamespaceProvisioner } from '../provisioning/NamespaceProvisioner';
import {
  historyNamespace,
  NamespaceRequestWorker,
} from '../provisioning/NamespaceRequestWorker';
import { NamespacesConfig } from './config';
import { GroupDirectory, GroupInfo, normalizeRef } from './groups';
import { NamespaceMembers } from './members';
import {
  MANAGED_NAMESPACE_STATUSES,
  NamespaceStore,
  StoredNamespaceRequest,
} from './NamespaceStore';

/**
 * The signed-in user on whose behalf the service acts, from their
 * credentials (never from a request body).
 *
 * @public
 */
export interface Caller {
  userEntityRef: string;
  /**
   * The token's ownership claims. Not used for Group membership, which is
   * read from the catalog at each change (claims can be an hour old).
   */
  ownershipEntityRefs: string[];
}

/**
 * Filters of `GET /requests`.
 *
 * @public
 */
export interface RequestFilter {
  status?: NamespaceRequestStatus[];
  owner?: string;
  requester?: string;
  cluster?: string;
  namespace?: string;
  kind?: 'create' | 'decommission';
  limit?: number;
}

/**
 * Filters of `GET /namespaces`.
 *
 * @public
 */
export interface NamespaceFilter {
  owner?: string;
  cluster?: string;
  /** Only namespaces this user entity ref has access to. */
  user?: string;
}

const OPEN_DECOMMISSION_STATUSES: NamespaceRequestStatus[] = [
  'pending',
  'approved',
  'decommissioning',
  'failed',
];

/** The request as the API shows it: without the worker's lease bookkeeping. */
export function toApiRequest(
  request: StoredNamespaceRequest,
): NamespaceRequest {
  const { claimedBy, claimExpiresAt, ...rest } = request;
  return rest;
}

/**
 * Entity refs compare case-insensitively, as in the catalog.
 *
 * @public
 */
export function isSameEntity(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}

/**
 * Whether a user is a direct member of a Group as the catalog says now. The
 * token's ownership claims are not used: they can be an hour old, and a
 * leaver must lose the right to change a namespace when the catalog says so.
 */
function isMemberOf(group: GroupInfo | undefined, user: string): boolean {
  return !!group?.members.some(member => isSameEntity(member, user));
}

function parseOwner(owner: string): string {
  let ref: string;
  try {
    ref = normalizeRef(owner, 'group');
  } catch (e) {
    throw new InputError(`owner: ${(e as Error).message}`);
  }
  if (parseEntityRef(ref).kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new InputError(`owner must be a Group entity ref, got ${owner}`);
  }
  return ref;
}

/**
 * The namespace request API's rules, independent of HTTP: validation,
 * ownership, requester ≠ approver, decisions as compare-and-set transitions,
 * members and decommissioning. Permission checks of the permission framework
 * happen in the router before these methods are called.
 *
 * @public
 */
export class NamespaceRequestService {
  private readonly tiers: Map<string, TierInfo>;
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      config: NamespacesConfig;
      store: NamespaceStore;
      history: Pick<ClusterAccessStore, 'addHistoryEvent'>;
      groups: GroupDirectory;
      members: NamespaceMembers;
      provisioner: NamespaceProvisioner;
      worker: Pick<NamespaceRequestWorker, 'trigger'>;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {
    this.tiers = new Map(options.config.tiers.map(t => [t.name, t]));
    this.clock = options.clock ?? (() => new Date());
  }

  listTiers(): TierInfo[] {
    return this.options.config.tiers;
  }

  listClusters(): NamespaceClusterInfo[] {
    return this.options.config.clusters.map(c => ({
      name: c.name,
      ...(c.title ? { title: c.title } : {}),
      server: c.url,
      provisioning: c.credentials !== undefined,
      tiers: this.options.config.tiers
        .filter(t => t.clusters.includes(c.name))
        .map(t => t.name),
    }));
  }

  async getRequest(id: string): Promise<StoredNamespaceRequest> {
    const request = await this.options.store.getRequest(id);
    if (!request) {
      throw new NotFoundError(`No namespace request ${id}`);
    }
    return request;
  }

  async listRequests(filter: RequestFilter): Promise<NamespaceRequest[]> {
    const requests = await this.options.store.listRequests({
      status: filter.status,
      owner: filter.owner ? [parseOwner(filter.owner)] : undefined,
      requester: filter.requester,
      cluster: filter.cluster,
      namespace: filter.namespace,
      kind: filter.kind,
      limit: filter.limit,
    });
    return requests.map(toApiRequest);
  }

  /** Files a request for a new namespace; approves it at once when its tier needs no approval. */
  async createRequest(
    input: NamespaceRequestInput,
    caller: Caller,
  ): Promise<NamespaceRequest> {
    const { store, history, groups, config } = this.options;
    const tier = this.tiers.get(input.tier);
    if (!tier) {
      throw new InputError(
        `Unknown tier ${input.tier}; known tiers: ${[...this.tiers.keys()].join(
          ', ',
        )}`,
      );
    }
    const cluster = config.clusters.find(c => c.name === input.cluster);
    if (!cluster) {
      throw new InputError(`Unknown cluster ${input.cluster}`);
    }
    if (!tier.clusters.includes(cluster.name)) {
      throw new InputError(
        `Tier ${tier.name} is not offered on cluster ${cluster.name}`,
      );
    }
    if (!cluster.credentials) {
      throw new InputError(
        `Cluster ${cluster.name} is not set up for namespace requests`,
      );
    }
    const owner = parseOwner(input.owner);
    const problems = namespaceNameProblems(input.namespace);
    if (problems.length > 0) {
      throw new InputError(
        `Invalid namespace name ${JSON.stringify(
          input.namespace,
        )}: ${problems.join('; ')}`,
      );
    }
    const group = namespaceNamePart(parseEntityRef(owner).name);
    if (
      !matchesNamingPattern({
        name: input.namespace,
        pattern: tier.namingPattern,
        group,
        tier: tier.name,
      })
    ) {
      throw new InputError(
        `Namespace ${input.namespace} does not follow the naming rule of tier ${tier.name}: ${tier.namingPattern} (group ${group})`,
      );
    }
    const found = (await groups.getGroups([owner])).get(owner);
    if (!found) {
      throw new InputError(`Unknown group ${owner}`);
    }
    if (!isMemberOf(found, caller.userEntityRef)) {
      throw new NotAllowedError(
        `You can only request namespaces for groups you belong to; you are not a member of ${owner}`,
      );
    }
    await this.ensureNameFree(cluster.name, input.namespace);
    const now = this.clock();
    const request = await store.createRequest({
      kind: 'create',
      cluster: cluster.name,
      namespace: input.namespace,
      owner,
      tier: tier.name,
      reason: input.reason,
      requester: caller.userEntityRef,
      expiresAt: new Date(now.getTime() + config.pendingExpiryMs),
      now,
    });
    await history.addHistoryEvent({
      actor: caller.userEntityRef,
      type: 'request.created',
      requestId: request.id,
      namespace: historyNamespace(request),
      message: `${caller.userEntityRef} requested namespace ${request.namespace} (${tier.name}) on ${cluster.name} for ${owner}`,
      details: { tier: tier.name, owner, reason: input.reason },
    });
    if (tier.approval === 'none') {
      const approved = await store.updateRequest(
        request.id,
        { status: ['pending'] },
        {
          status: 'approved',
          decidedBy: 'system',
          decisionComment: `Tier ${tier.name} needs no approval`,
          decidedAt: now,
        },
        now,
      );
      if (approved) {
        await history.addHistoryEvent({
          actor: 'system',
          type: 'request.approved',
          requestId: request.id,
          namespace: historyNamespace(request),
          message: `Approved automatically: tier ${tier.name} needs no approval`,
        });
        this.options.worker.trigger(request.id);
        return toApiRequest(approved);
      }
    }
    return toApiRequest(request);
  }

  /**
   * Refuses a name that is taken on the cluster, saying so plainly when it is
   * only taken until Kubernetes has finished deleting an earlier namespace
   * (Terminating, seconds to minutes): the requester can ask again then.
   */
  private async ensureNameFree(cluster: string, namespace: string) {
    const deleting = new ConflictError(
      `Namespace ${namespace} on cluster ${cluster} is still being deleted; you can request it again once it is gone, usually within a few minutes`,
    );
    const leaving = await this.options.store.listRequests({
      kind: 'create',
      cluster,
      namespace,
      status: ['decommissioning'],
      limit: 1,
    });
    if (leaving.length > 0) throw deleting;
    const live = await this.options.provisioner.client(cluster).get({
      apiVersion: 'v1',
      kind: 'Namespace',
      name: namespace,
    });
    if (live?.metadata.deletionTimestamp) throw deleting;
    if (live) {
      throw new ConflictError(
        `Namespace ${namespace} already exists on cluster ${cluster}`,
      );
    }
  }

  /**
   * Approves or rejects a pending request. The caller's approve permission
   * has been checked already; the requester can never decide their own
   * request, whatever the policy says.
   */
  async decide(options: {
    id: string;
    decision: 'approve' | 'reject';
    comment?: string;
    caller: Caller;
  }): Promise<NamespaceRequest> {
    const { store, history } = this.options;
    const { id, decision, comment, caller } = options;
    const request = await this.getRequest(id);
    if (isSameEntity(request.requester, caller.userEntityRef)) {
      throw new NotAllowedError('You cannot decide on your own request');
    }
    const now = this.clock();
    if (request.status === 'pending' && request.expiresAt) {
      if (new Date(request.expiresAt).getTime() <= now.getTime()) {
        const expired = await store.updateRequest(
          id,
          { status: ['pending'] },
          { status: 'expired' },
          now,
        );
        if (expired) {
          await history.addHistoryEvent({
            actor: 'system',
            type: 'request.expired',
            requestId: id,
            namespace: historyNamespace(request),
            message: `Request for ${request.namespace} expired without a decision`,
          });
        }
        throw new ConflictError(`Request ${id} has expired`);
      }
    }
    if (request.status !== 'pending') {
      throw new ConflictError(
        `Request ${id} is ${request.status}, not pending`,
      );
    }
    const decided = await store.updateRequest(
      id,
      { status: ['pending'] },
      {
        status: decision === 'approve' ? 'approved' : 'rejected',
        decidedBy: caller.userEntityRef,
        decisionComment: comment ?? null,
        decidedAt: now,
      },
      now,
    );
    if (!decided) {
      throw new ConflictError(`Request ${id} was decided by someone else`);
    }
    const prefix = request.kind === 'create' ? 'request' : 'decommission';
    await history.addHistoryEvent({
      actor: caller.userEntityRef,
      type: `${prefix}.${decision === 'approve' ? 'approved' : 'rejected'}`,
      requestId: id,
      namespace: historyNamespace(request),
      message: `${caller.userEntityRef} ${
        decision === 'approve' ? 'approved' : 'rejected'
      } ${request.kind === 'create' ? 'the request for' : 'deleting'} ${
        request.namespace
      }${comment ? `: ${comment}` : ''}`,
      details: comment ? { comment } : undefined,
    });
    if (decision === 'approve') {
      this.options.worker.trigger(id);
    }
    return toApiRequest(decided);
  }

  /** The create request behind a managed namespace; 404 if there is none. */
  async findNamespace(
    cluster: string,
    namespace: string,
  ): Promise<StoredNamespaceRequest> {
    const [request] = await this.options.store.listRequests({
      kind: 'create',
      cluster,
      namespace,
      status: [...MANAGED_NAMESPACE_STATUSES],
      limit: 1,
    });
    if (!request) {
      throw new NotFoundError(
        `No managed namespace ${namespace} on cluster ${cluster}`,
      );
    }
    return request;
  }

  /** The owner Group from the catalog, if the caller is in it; NotAllowedError otherwise. */
  private async requireOwnerMember(
    request: StoredNamespaceRequest,
    caller: Caller,
  ): Promise<GroupInfo> {
    const group = (await this.options.groups.getGroups([request.owner])).get(
      request.owner,
    );
    if (!group || !isMemberOf(group, caller.userEntityRef)) {
      throw new NotAllowedError(
        `Only members of ${request.owner} can manage namespace ${
          request.namespace
        }${group ? '' : ` (${request.owner} is not in the catalog)`}`,
      );
    }
    return group;
  }

  async listNamespaces(filter: NamespaceFilter): Promise<ManagedNamespace[]> {
    const { store, members, provisioner, logger } = this.options;
    const requests = await store.listRequests({
      kind: 'create',
      status: [...MANAGED_NAMESPACE_STATUSES],
      owner: filter.owner ? [parseOwner(filter.owner)] : undefined,
      cluster: filter.cluster,
      limit: 5000,
    });
    const resolved = await members.resolve(requests);
    const user = filter.user ? normalizeRef(filter.user, 'user') : undefined;
    const visible = requests.filter(
      r => !user || resolved.get(r.id)!.members.some(m => m.user === user),
    );

    const decommissions = await store.listRequests({
      kind: 'decommission',
      status: OPEN_DECOMMISSION_STATUSES,
      cluster: filter.cluster,
      limit: 5000,
    });
    const openDecommission = new Map(
      decommissions.map(d => [d.targetRequestId, d.id]),
    );

    // Quota usage: one list per cluster, not one read per namespace.
    const quotas = new Map<string, QuotaUsage[]>();
    const quotaErrors = new Map<string, string>();
    for (const cluster of new Set(visible.map(r => r.cluster))) {
      try {
        const items = await provisioner
          .client(cluster)
          .list('ResourceQuota', MANAGED_SELECTOR);
        for (const quota of items) {
          const status = (quota.status ?? {}) as {
            hard?: Record<string, string>;
            used?: Record<string, string>;
          };
          const spec = (quota.spec ?? {}) as { hard?: Record<string, string> };
          const hard = status.hard ?? spec.hard ?? {};
          quotas.set(
            `${cluster}/${quota.metadata.namespace}`,
            Object.keys(hard)
              .sort()
              .map(resource => ({
                resource,
                hard: String(hard[resource]),
                ...(status.used?.[resource] !== undefined
                  ? { used: String(status.used[resource]) }
                  : {}),
              })),
          );
        }
      } catch (e) {
        logger.warn(`Reading quotas of cluster ${cluster} failed: ${e}`);
        quotaErrors.set(cluster, (e as Error).message);
      }
    }

    return visible.map(r => {
      const key = `${r.cluster}/${r.namespace}`;
      const quotaError = quotaErrors.get(r.cluster);
      const pending = openDecommission.get(r.id);
      return {
        cluster: r.cluster,
        name: r.namespace,
        owner: r.owner,
        tier: r.tier,
        requestId: r.id,
        status: r.status,
        requester: r.requester,
        createdAt: r.createdAt,
        members: resolved.get(r.id)!.members,
        ...(quotaError ? { quotaError } : { quota: quotas.get(key) ?? [] }),
        ...(pending ? { pendingDecommissionRequestId: pending } : {}),
      };
    });
  }

  /** Adds an extra member and grants them access at once if the namespace is ready. */
  async addMember(options: {
    cluster: string;
    namespace: string;
    user: string;
    caller: Caller;
  }): Promise<{ user: string; username: string; applied: boolean }> {
    const { store, history, groups, members, provisioner, logger } =
      this.options;
    const request = await this.findNamespace(
      options.cluster,
      options.namespace,
    );
    const group = await this.requireOwnerMember(request, options.caller);
    let user: string;
    try {
      user = normalizeRef(options.user, 'user');
    } catch (e) {
      throw new InputError(`user: ${(e as Error).message}`);
    }
    if (isMemberOf(group, user)) {
      // An extra row would keep them in after they leave the Group.
      throw new ConflictError(
        `${user} already has access to ${request.namespace} as a member of ${request.owner}`,
      );
    }
    if (parseEntityRef(user).kind.toLocaleLowerCase('en-US') !== 'user') {
      throw new InputError(
        `user must be a User entity ref, got ${options.user}`,
      );
    }
    const username = members.username(user);
    if (!username) {
      throw new InputError(`${user} cannot be given cluster access`);
    }
    if (!(await groups.userExists(user))) {
      throw new InputError(`Unknown user ${user}`);
    }
    // An extra membership that ran out but that the reconciler has not
    // cleaned up yet: adding them again starts a new one.
    const { lapsed } = (await members.resolve([request])).get(request.id)!;
    const old = lapsed.find(l => l.user === user && l.reason === 'expired');
    if (old) {
      await store.removeMember(request.id, user, { addedAt: old.createdAt });
    }
    const added = await store.addMember({
      requestId: request.id,
      user,
      addedBy: options.caller.userEntityRef,
      now: this.clock(),
    });
    if (!added) {
      throw new ConflictError(
        `${user} is already a member of ${request.namespace}`,
      );
    }
    await history.addHistoryEvent({
      actor: options.caller.userEntityRef,
      type: 'member.added',
      requestId: request.id,
      namespace: historyNamespace(request),
      message: `${options.caller.userEntityRef} added ${user} to ${request.namespace}`,
      details: { user, username },
    });
    let applied = false;
    if (request.status === 'ready') {
      try {
        await provisioner.applyMember(request, { user, username });
        applied = true;
      } catch (e) {
        // The reconciler grants it on its next pass.
        logger.warn(
          `Granting ${username} access to ${historyNamespace(
            request,
          )} failed: ${e}`,
        );
      }
    }
    return { user, username, applied };
  }

  /** Removes an extra member and their bindings. Group members are managed in the catalog. */
  async removeMember(options: {
    cluster: string;
    namespace: string;
    user: string;
    caller: Caller;
  }): Promise<{ applied: boolean }> {
    const { store, history, members, provisioner, logger } = this.options;
    const request = await this.findNamespace(
      options.cluster,
      options.namespace,
    );
    await this.requireOwnerMember(request, options.caller);
    let user: string;
    try {
      user = normalizeRef(options.user, 'user');
    } catch (e) {
      throw new InputError(`user: ${(e as Error).message}`);
    }
    const removed = await store.removeMember(request.id, user);
    if (!removed) {
      const current = (await members.resolve([request])).get(request.id)!;
      if (current.members.some(m => m.user === user)) {
        throw new InputError(
          `${user} is a member of ${request.owner}; change the group in the catalog instead`,
        );
      }
      throw new NotFoundError(
        `${user} is not an extra member of ${request.namespace}`,
      );
    }
    await history.addHistoryEvent({
      actor: options.caller.userEntityRef,
      type: 'member.removed',
      requestId: request.id,
      namespace: historyNamespace(request),
      message: `${options.caller.userEntityRef} removed ${user} from ${request.namespace}`,
      details: { user },
    });
    let applied = false;
    const stillMember = (await members.resolve([request]))
      .get(request.id)!
      .members.some(m => m.user === user);
    const username = members.username(user);
    if (!stillMember && username && request.status === 'ready') {
      try {
        await provisioner.removeMember(request, username);
        applied = true;
      } catch (e) {
        logger.warn(
          `Revoking ${username}'s access to ${historyNamespace(
            request,
          )} failed: ${e}`,
        );
      }
    }
    return { applied };
  }

  /** Files a decommission request for a managed namespace; it always needs approval. */
  async requestDecommission(options: {
    cluster: string;
    namespace: string;
    reason: string;
    caller: Caller;
  }): Promise<NamespaceRequest> {
    const { store, history, config } = this.options;
    const target = await this.findNamespace(options.cluster, options.namespace);
    await this.requireOwnerMember(target, options.caller);
    if (target.status !== 'ready' && target.status !== 'failed') {
      throw new ConflictError(
        `Namespace ${target.namespace} is ${target.status}; it can be decommissioned once ready or failed`,
      );
    }
    const now = this.clock();
    const request = await store.createRequest({
      kind: 'decommission',
      cluster: target.cluster,
      namespace: target.namespace,
      owner: target.owner,
      tier: target.tier,
      reason: options.reason,
      requester: options.caller.userEntityRef,
      targetRequestId: target.id,
      expiresAt: new Date(now.getTime() + config.pendingExpiryMs),
      now,
    });
    await history.addHistoryEvent({
      actor: options.caller.userEntityRef,
      type: 'decommission.requested',
      requestId: request.id,
      namespace: historyNamespace(request),
      message: `${options.caller.userEntityRef} asked to delete namespace ${target.namespace} on ${target.cluster}`,
      details: { targetRequestId: target.id, reason: options.reason },
    });
    return toApiRequest(request);
  }
}
