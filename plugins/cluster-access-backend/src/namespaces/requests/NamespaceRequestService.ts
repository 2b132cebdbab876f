import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  NamespaceClusterInfo,
  NamespaceRequest,
  NamespaceRequestDryRun,
  NamespaceRequestInput,
  NamespaceRequestManifests,
  NamespaceRequestStatus,
  RequestableTier,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { ClusterDirectory } from '@cluster-access/plugin-cluster-access-node';
import { HistoryRecorder } from '../../history/HistoryRecorder';
import { Caller } from '../../lib/caller';
import { NamespaceProvisioner } from '../cluster/NamespaceProvisioner';
import { toManifest } from '../cluster/renderManifests';
import {
  GroupDirectory,
  isMemberOf,
  isSameEntity,
  normalizeRef,
} from '../members/groups';
import { NamespaceRequestResource } from './permissionRules';
import { requestableTiers } from './requestableTiers';
import { ACTIVE_REQUEST_STATUSES, NamespaceLifecycle } from './lifecycle';
import { ManagedNamespaceService } from './ManagedNamespaceService';
import { requestManifests } from './requestManifests';
import { NamespaceStore, StoredNamespaceRequest } from './NamespaceStore';
import {
  parseOwner,
  validateNamespaceRequest,
} from './validateNamespaceRequest';

/**
 * Filters of `GET /requests`.
 *
 * @internal
 */
export interface RequestFilter {
  status?: NamespaceRequestStatus[];
  owner?: string;
  requester?: string;
  /** Only requests this user approved or rejected. */
  decidedBy?: string;
  cluster?: string;
  namespace?: string;
  kind?: 'create' | 'decommission';
  limit?: number;
}

/**
 * The request id that a dry run's manifests carry: a request has no id until
 * it is filed. The nil UUID, so that it can never be a real request's.
 */
export const DRY_RUN_REQUEST_ID = '00000000-0000-0000-0000-000000000000';

/** The request as the API shows it: without the worker's lease bookkeeping. */
export function toApiRequest(
  request: StoredNamespaceRequest,
): NamespaceRequest {
  const { claimedBy, claimExpiresAt, ...rest } = request;
  return rest;
}

/**
 * Files namespace requests, decides them and files decommissions, independent
 * of HTTP: validation, ownership, requester ≠ approver, and every status
 * change through the {@link NamespaceLifecycle}.
 *
 * @internal
 */
export class NamespaceRequestService {
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      settings: {
        tiers: TierInfo[];
        clusters: ClusterDirectory;
        pendingExpiryMs: number;
      };
      store: NamespaceStore;
      lifecycle: NamespaceLifecycle;
      history: HistoryRecorder;
      groups: GroupDirectory;
      namespaces: ManagedNamespaceService;
      provisioner: NamespaceProvisioner;
      worker: { trigger(id: string): void };
      logger?: LoggerService;
      clock?: () => Date;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  listTiers(): TierInfo[] {
    return this.options.settings.tiers;
  }

  /**
   * The tiers, each with where the caller may request a namespace of it:
   * `allows` is the policy's decision on creating, tried for each of the
   * caller's catalog Groups (the only owners filing accepts).
   */
  async listRequestableTiers(
    caller: Caller,
    allows: (resource: NamespaceRequestResource) => boolean,
  ): Promise<RequestableTier[]> {
    const { tiers, clusters } = this.options.settings;
    const user = (
      await this.options.groups.getUsers([caller.userEntityRef])
    ).get(caller.userEntityRef);
    return requestableTiers({
      tiers,
      clusters: clusters.list().map(c => c.name),
      groups: (user?.groups ?? []).map(g => normalizeRef(g, 'group')),
      allows,
    });
  }

  listClusters(): NamespaceClusterInfo[] {
    const { clusters, tiers } = this.options.settings;
    return clusters.list().map(c => ({
      name: c.name,
      ...(c.title ? { title: c.title } : {}),
      server: c.url,
      provisioning: c.credentials !== undefined,
      tiers: tiers.filter(t => t.clusters.includes(c.name)).map(t => t.name),
    }));
  }

  async getRequest(id: string): Promise<StoredNamespaceRequest> {
    const request = await this.options.store.getRequest(id);
    if (!request) {
      throw new NotFoundError(`No namespace request ${id}`);
    }
    return request;
  }

  /**
   * The objects a request applies or applied, rendered by the provisioner
   * itself (members as of now, as the reconciler keeps them). A decommission
   * request shows those of the namespace it deletes.
   */
  async getManifests(id: string): Promise<NamespaceRequestManifests> {
    const request = await this.getRequest(id);
    const target =
      request.kind === 'create' || !request.targetRequestId
        ? request
        : await this.getRequest(request.targetRequestId);
    const objects = await this.options.provisioner.desiredState(target);
    return requestManifests(request, objects);
  }

  async listRequests(filter: RequestFilter): Promise<NamespaceRequest[]> {
    const requests = await this.options.store.listRequests({
      ...filter,
      owner: filter.owner ? [parseOwner(filter.owner)] : undefined,
    });
    return requests.map(toApiRequest);
  }

  /**
   * Files a request for a new namespace; approves it at once when its tier
   * needs no approval. `authorize` is the permission framework's decision on
   * the request being filed (its tier, cluster and owner), checked once the
   * input is known to be valid.
   */
  async createRequest(
    input: NamespaceRequestInput,
    caller: Caller,
    authorize: (resource: NamespaceRequestResource) => Promise<void>,
  ): Promise<NamespaceRequest> {
    const { tier, cluster, owner } = await this.check(input, caller, authorize);
    const request = await this.file({
      kind: 'create',
      cluster: cluster.name,
      namespace: input.namespace,
      owner,
      tier: tier.name,
      reason: input.reason,
      requester: caller.userEntityRef,
    });
    await this.options.history.namespace('request.created', request, {
      actor: caller.userEntityRef,
      message: `${caller.userEntityRef} requested namespace ${request.namespace} (${tier.name}) on ${cluster.name} for ${owner}`,
      details: { tier: tier.name, owner, reason: input.reason },
    });
    if (tier.approval !== 'none') return toApiRequest(request);
    const approved = await this.options.lifecycle.transition(
      request,
      'approve',
      {
        changes: {
          decidedBy: 'system',
          decisionComment: `Tier ${tier.name} needs no approval`,
          decidedAt: this.clock(),
        },
        history: {
          message: `Approved automatically: tier ${tier.name} needs no approval`,
        },
      },
    );
    if (!approved) return toApiRequest(request);
    this.options.worker.trigger(request.id);
    return toApiRequest(approved);
  }

  /**
   * Everything {@link NamespaceRequestService.createRequest} checks, and the
   * objects provisioning would apply, without filing anything or writing to
   * a cluster (a scaffolder dry run).
   */
  async dryRunRequest(
    input: NamespaceRequestInput,
    caller: Caller,
    authorize: (resource: NamespaceRequestResource) => Promise<void>,
  ): Promise<NamespaceRequestDryRun> {
    const { tier, cluster, owner } = await this.check(input, caller, authorize);
    // Filing relies on the store's unique index for this; a dry run files
    // nothing, so it looks.
    const [holder] = await this.options.store.listRequests({
      kind: 'create',
      cluster: cluster.name,
      namespace: input.namespace,
      status: [...ACTIVE_REQUEST_STATUSES],
      limit: 1,
    });
    if (holder) {
      throw new ConflictError(
        `Namespace ${input.namespace} on cluster ${cluster.name} is already requested or in use`,
      );
    }
    const manifests = await this.options.provisioner.desiredState({
      id: DRY_RUN_REQUEST_ID,
      cluster: cluster.name,
      namespace: input.namespace,
      owner,
      tier: tier.name,
      requester: caller.userEntityRef,
    });
    return {
      cluster: cluster.name,
      namespace: input.namespace,
      owner,
      tier: tier.name,
      approval: tier.approval,
      manifests: manifests.map(toManifest),
    };
  }

  /**
   * The checks of a new request, in order: input (400), the permission
   * framework's decision on it (403), membership of the owner Group (403),
   * a free name (409).
   */
  private async check(
    input: NamespaceRequestInput,
    caller: Caller,
    authorize: (resource: NamespaceRequestResource) => Promise<void>,
  ) {
    const { tiers, clusters } = this.options.settings;
    const valid = validateNamespaceRequest(input, {
      tiers,
      clusters: clusters.list(),
    });
    const { tier, cluster, owner } = valid;
    await authorize({ tier: tier.name, cluster: cluster.name, owner });
    const found = (await this.options.groups.getGroups([owner])).get(owner);
    if (!found) {
      throw new InputError(`Unknown group ${owner}`);
    }
    if (!isMemberOf(found, caller.userEntityRef)) {
      throw new NotAllowedError(
        `You can only request namespaces for groups you belong to; you are not a member of ${owner}`,
      );
    }
    await this.ensureNameFree(cluster.name, input.namespace);
    return valid;
  }

  private async file(
    request: Omit<
      Parameters<NamespaceStore['createRequest']>[0],
      'expiresAt' | 'now'
    >,
  ): Promise<StoredNamespaceRequest> {
    const now = this.clock();
    return this.options.store.createRequest({
      ...request,
      expiresAt: new Date(
        now.getTime() + this.options.settings.pendingExpiryMs,
      ),
      now,
    });
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
    const live = await this.options.provisioner
      .client(cluster)
      .get({ apiVersion: 'v1', kind: 'Namespace', name: namespace })
      .catch(error => {
        // The cluster's own text names its address and internals: for
        // operators' logs, not for the requester.
        this.options.logger?.warn(
          `Could not check namespace ${namespace} on cluster ${cluster}: ${error}`,
        );
        throw new ServiceUnavailableError(
          `Cluster ${cluster} could not be reached to check that ${namespace} is free; try again later`,
        );
      });
    if (live?.metadata.deletionTimestamp) throw deleting;
    if (live) {
      throw new ConflictError(
        `Namespace ${namespace} already exists on cluster ${cluster}`,
      );
    }
  }

  /**
   * Approves or rejects a pending request. The requester can never decide
   * their own request, whatever the policy says: that is checked here, before
   * `authorize` (the permission framework's decision on this request).
   */
  async decide(options: {
    id: string;
    decision: 'approve' | 'reject';
    comment?: string;
    caller: Caller;
    authorize: (request: NamespaceRequest) => Promise<void>;
  }): Promise<NamespaceRequest> {
    const { id, decision, comment, caller } = options;
    const request = await this.getRequest(id);
    if (isSameEntity(request.requester, caller.userEntityRef)) {
      throw new NotAllowedError('You cannot decide on your own request');
    }
    await options.authorize(toApiRequest(request));
    await this.expireIfDue(request);
    if (request.status !== 'pending') {
      throw new ConflictError(
        `Request ${id} is ${request.status}, not pending`,
      );
    }
    const verb = decision === 'approve' ? 'approved' : 'rejected';
    const decided = await this.options.lifecycle.transition(request, decision, {
      actor: caller.userEntityRef,
      changes: {
        decidedBy: caller.userEntityRef,
        decisionComment: comment ?? null,
        decidedAt: this.clock(),
      },
      history: {
        message: `${caller.userEntityRef} ${verb} ${
          request.kind === 'create' ? 'the request for' : 'deleting'
        } ${request.namespace}${comment ? `: ${comment}` : ''}`,
        details: comment ? { comment } : undefined,
      },
    });
    if (!decided) {
      throw new ConflictError(`Request ${id} was decided by someone else`);
    }
    if (decision === 'approve') {
      this.options.worker.trigger(id);
    }
    return toApiRequest(decided);
  }

  /**
   * The requester takes back their pending request. Only the requester:
   * withdrawing undoes nothing but what they asked for, so it needs no
   * permission beyond that.
   */
  async withdraw(options: {
    id: string;
    comment?: string;
    caller: Caller;
  }): Promise<NamespaceRequest> {
    const { id, comment, caller } = options;
    const request = await this.getRequest(id);
    if (!isSameEntity(request.requester, caller.userEntityRef)) {
      throw new NotAllowedError('Only the requester can withdraw a request');
    }
    await this.expireIfDue(request);
    if (request.status !== 'pending') {
      throw new ConflictError(
        `Request ${id} is ${request.status}; only a pending request can be withdrawn`,
      );
    }
    const withdrawn = await this.options.lifecycle.transition(
      request,
      'withdraw',
      {
        actor: caller.userEntityRef,
        history: {
          message: `${caller.userEntityRef} withdrew ${
            request.kind === 'create' ? 'the request for' : 'deleting'
          } ${request.namespace}${comment ? `: ${comment}` : ''}`,
          details: comment ? { comment } : undefined,
        },
      },
    );
    if (!withdrawn) {
      throw new ConflictError(`Request ${id} was decided by someone else`);
    }
    return toApiRequest(withdrawn);
  }

  /** A pending request past its expiry is expired now rather than decided (409). */
  private async expireIfDue(request: StoredNamespaceRequest): Promise<void> {
    if (request.status !== 'pending' || !request.expiresAt) return;
    if (new Date(request.expiresAt).getTime() > this.clock().getTime()) return;
    await this.options.lifecycle.expire(request);
    throw new ConflictError(`Request ${request.id} has expired`);
  }

  /**
   * Files a decommission request for a managed namespace; it always needs
   * approval. `authorize` is the permission framework's decision on the
   * namespace (the tier, cluster and owner of its request).
   */
  async requestDecommission(options: {
    cluster: string;
    namespace: string;
    reason: string;
    caller: Caller;
    authorize: (resource: NamespaceRequestResource) => Promise<void>;
  }): Promise<NamespaceRequest> {
    const { namespaces, history } = this.options;
    const { caller } = options;
    const target = await namespaces.find(options.cluster, options.namespace);
    await options.authorize(target);
    await namespaces.requireOwnerMember(target, caller);
    if (target.status !== 'ready' && target.status !== 'failed') {
      throw new ConflictError(
        `Namespace ${target.namespace} is ${target.status}; it can be decommissioned once ready or failed`,
      );
    }
    const request = await this.file({
      kind: 'decommission',
      cluster: target.cluster,
      namespace: target.namespace,
      owner: target.owner,
      tier: target.tier,
      reason: options.reason,
      requester: caller.userEntityRef,
      targetRequestId: target.id,
    });
    await history.namespace('decommission.requested', request, {
      actor: caller.userEntityRef,
      message: `${caller.userEntityRef} asked to delete namespace ${target.namespace} on ${target.cluster}`,
      details: { targetRequestId: target.id, reason: options.reason },
    });
    return toApiRequest(request);
  }
}
