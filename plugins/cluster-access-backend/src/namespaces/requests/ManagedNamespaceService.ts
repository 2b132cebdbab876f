import { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  ManagedNamespace,
  QuotaUsage,
} from '@cluster-access/plugin-cluster-access-common';
import { Caller } from '../../lib/caller';
import { NamespaceProvisioner } from '../cluster/NamespaceProvisioner';
import { readQuotas } from '../cluster/quotas';
import {
  GroupDirectory,
  GroupInfo,
  isMemberOf,
  parseRefInput,
} from '../members/groups';
import { NamespaceMembers, ResolvedMembers } from '../members/members';
import {
  MANAGED_NAMESPACE_STATUSES,
  OPEN_DECOMMISSION_STATUSES,
} from './lifecycle';
import { NamespaceStore, StoredNamespaceRequest } from './NamespaceStore';
import { parseOwner } from './validateNamespaceRequest';

/**
 * Filters of `GET /namespaces`.
 *
 * @internal
 */
export interface NamespaceFilter {
  owner?: string;
  cluster?: string;
  /** Only namespaces this user entity ref has access to. */
  user?: string;
}

type Quotas = { byNamespace: Map<string, QuotaUsage[]>; error?: string };

/**
 * The managed namespaces (the create requests whose namespace exists in a
 * cluster): finding one, who may change it, and the list with members and
 * quota usage that `GET /namespaces` shows.
 *
 * @internal
 */
export class ManagedNamespaceService {
  constructor(
    private readonly options: {
      store: Pick<NamespaceStore, 'listRequests'>;
      groups: GroupDirectory;
      members: NamespaceMembers;
      provisioner: NamespaceProvisioner;
      logger: LoggerService;
    },
  ) {}

  /** The create request behind a managed namespace; 404 if there is none. */
  async find(
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
  async requireOwnerMember(
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

  async list(filter: NamespaceFilter): Promise<ManagedNamespace[]> {
    const { store, members } = this.options;
    const requests = await store.listRequests({
      kind: 'create',
      status: [...MANAGED_NAMESPACE_STATUSES],
      owner: filter.owner ? [parseOwner(filter.owner)] : undefined,
      cluster: filter.cluster,
      limit: 5000,
    });
    const resolved = await members.resolve(requests);
    const user = filter.user
      ? parseRefInput(filter.user, 'user', 'user')
      : undefined;
    const visible = requests.filter(
      r => !user || resolved.get(r.id)!.members.some(m => m.user === user),
    );
    const decommissions = await store.listRequests({
      kind: 'decommission',
      status: [...OPEN_DECOMMISSION_STATUSES],
      cluster: filter.cluster,
      limit: 5000,
    });
    const openDecommission = new Map(
      decommissions.map(d => [d.targetRequestId, d.id]),
    );
    const quotas = await this.quotas(new Set(visible.map(r => r.cluster)));
    return visible.map(r =>
      toManagedNamespace(
        r,
        resolved.get(r.id)!,
        quotas.get(r.cluster)!,
        openDecommission.get(r.id),
      ),
    );
  }

  /** Quota usage: one list per cluster, not one read per namespace. */
  private async quotas(clusters: Set<string>): Promise<Map<string, Quotas>> {
    const result = new Map<string, Quotas>();
    for (const cluster of clusters) {
      try {
        const client = this.options.provisioner.client(cluster);
        result.set(cluster, { byNamespace: await readQuotas(client) });
      } catch (e) {
        this.options.logger.warn(
          `Reading quotas of cluster ${cluster} failed: ${e}`,
        );
        result.set(cluster, {
          byNamespace: new Map(),
          error: (e as Error).message,
        });
      }
    }
    return result;
  }
}

function toManagedNamespace(
  r: StoredNamespaceRequest,
  resolved: ResolvedMembers,
  quotas: Quotas,
  pendingDecommission: string | undefined,
): ManagedNamespace {
  return {
    cluster: r.cluster,
    name: r.namespace,
    owner: r.owner,
    tier: r.tier,
    requestId: r.id,
    status: r.status,
    requester: r.requester,
    createdAt: r.createdAt,
    members: resolved.members,
    ...(quotas.error
      ? { quotaError: quotas.error }
      : { quota: quotas.byNamespace.get(r.namespace) ?? [] }),
    ...(pendingDecommission
      ? { pendingDecommissionRequestId: pendingDecommission }
      : {}),
  };
}
