import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { TierInfo } from '@cluster-access/plugin-cluster-access-common';
import {
  ClusterClient,
  ClusterClientProvider,
  KubeObject,
} from '@cluster-access/plugin-cluster-access-node';
import { NamespaceMembers } from '../members/members';
import { NamespaceTerminatingError } from './clusterFailures';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUEST_ID_ANNOTATION,
} from './labels';
import { desiredObjects, memberBindingName, NamespaceSpec } from './manifests';

/**
 * The part of a create request the provisioner needs.
 *
 * @internal
 */
export interface ProvisionTarget {
  id: string;
  cluster: string;
  namespace: string;
  owner: string;
  tier: string;
  requester: string;
}

/**
 * One object written while provisioning, for the history.
 *
 * @internal
 */
export interface ProvisionStep {
  kind: string;
  name: string;
  action: 'created' | 'applied';
}

/**
 * Told of the members' RoleBindings the provisioner has just applied or
 * deleted, so that the access view shows their roles at once instead of at
 * the reconciler's next pass. Told only of what the cluster confirmed.
 * Never throws: a record that fails is left to the reconciler.
 *
 * @internal
 */
export interface AppliedBindingsObserver {
  /** RoleBindings applied, as the cluster answered the apply. */
  applied(target: ProvisionTarget, bindings: KubeObject[]): Promise<void>;
  /** Names of RoleBindings deleted, or found already gone. */
  deleted(target: ProvisionTarget, names: string[]): Promise<void>;
}

/**
 * Whether a live Namespace is the one this request made. Anything else, in
 * particular a namespace someone created by hand, is never adopted.
 *
 * @internal
 */
export function isOwnedBy(namespace: KubeObject, requestId: string): boolean {
  return (
    namespace.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE &&
    namespace.metadata.annotations?.[REQUEST_ID_ANNOTATION] === requestId
  );
}

/**
 * Creates and deletes managed namespaces in their clusters. Idempotent:
 * running it again after a failure finishes the job without duplicates.
 *
 * @internal
 */
export class NamespaceProvisioner {
  private readonly tiers: Map<string, TierInfo>;

  constructor(
    private readonly options: {
      clients: ClusterClientProvider;
      tiers: TierInfo[];
      members: NamespaceMembers;
      delegableClusterRoles: string[];
      /** Records the members' bindings as they are written (the access view). */
      bindings?: AppliedBindingsObserver;
    },
  ) {
    this.tiers = new Map(options.tiers.map(t => [t.name, t]));
  }

  /** The client of a cluster; throws when the cluster cannot be provisioned. */
  client(cluster: string): ClusterClient {
    const client = this.options.clients.forCluster(cluster);
    if (!client) {
      throw new ServiceUnavailableError(
        `Cluster ${cluster} is not configured for namespace provisioning`,
      );
    }
    return client;
  }

  tier(name: string): TierInfo {
    const tier = this.tiers.get(name);
    if (!tier) {
      throw new NotFoundError(`Tier ${name} is no longer configured`);
    }
    return tier;
  }

  /** The full desired state of one namespace, members resolved from the catalog. */
  async desiredState(target: ProvisionTarget): Promise<KubeObject[]> {
    const resolved = (await this.options.members.resolve([target])).get(
      target.id,
    )!;
    if (!resolved.groupFound) {
      throw new NotFoundError(
        `Owner group ${target.owner} was not found in the catalog`,
      );
    }
    return desiredObjects(this.spec(target, resolved.members));
  }

  spec(
    target: ProvisionTarget,
    members: Array<{ user: string; username: string }>,
  ): NamespaceSpec {
    return {
      requestId: target.id,
      namespace: target.namespace,
      owner: target.owner,
      requester: target.requester,
      tier: this.tier(target.tier),
      members: members.map(m => ({ user: m.user, username: m.username })),
      delegableClusterRoles: this.options.delegableClusterRoles,
    };
  }

  /**
   * Makes the namespace and everything in it, in order. Calls `onStep` after
   * each object is written.
   */
  async provision(
    target: ProvisionTarget,
    onStep: (step: ProvisionStep) => Promise<void> = async () => {},
  ): Promise<void> {
    const client = this.client(target.cluster);
    const [namespace, ...rest] = await this.desiredState(target);
    const created = await this.ensureNamespace(client, namespace, target.id);
    await onStep({
      kind: 'Namespace',
      name: target.namespace,
      action: created ? 'created' : 'applied',
    });
    const bindings: KubeObject[] = [];
    try {
      for (const object of rest) {
        const applied = await client.apply(object);
        if (object.kind === 'RoleBinding') bindings.push(applied);
        await onStep({
          kind: object.kind,
          name: object.metadata.name,
          action: 'applied',
        });
      }
    } finally {
      // One write per attempt; after a failure, what was applied before it.
      await this.options.bindings?.applied(target, bindings);
    }
  }

  /**
   * Creates the Namespace, or confirms that the existing one is ours, then
   * applies it. A create comes first so that a namespace made by someone else
   * in the meantime is found (AlreadyExists) rather than patched into ours.
   */
  private async ensureNamespace(
    client: ClusterClient,
    namespace: KubeObject,
    requestId: string,
  ): Promise<boolean> {
    const { created } = await client.create(namespace);
    if (!created) {
      const name = namespace.metadata.name;
      const live = await client.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        name,
      });
      if (!live) {
        throw new ServiceUnavailableError(
          `Namespace ${name} vanished while being provisioned; will retry`,
        );
      }
      // A namespace being deleted (ours from before, or anyone's) is not a
      // conflict: the name is free once Kubernetes has finished.
      if (live.metadata.deletionTimestamp) {
        throw new NamespaceTerminatingError(
          `A namespace named ${name} is still being deleted on cluster ${client.cluster}; provisioning starts once it is gone`,
        );
      }
      if (!isOwnedBy(live, requestId)) {
        throw new ConflictError(
          `Namespace ${name} already exists on cluster ${client.cluster} and was not made by this request; Cluster Access never takes over a namespace it did not make`,
        );
      }
    }
    await client.apply(namespace);
    return created;
  }

  /** Grants one member access now (their two RoleBindings), ahead of the reconciler. */
  async applyMember(
    target: ProvisionTarget,
    member: { user: string; username: string },
  ): Promise<void> {
    const client = this.client(target.cluster);
    const bindings = desiredObjects(this.spec(target, [member])).filter(
      o => o.kind === 'RoleBinding',
    );
    const applied: KubeObject[] = [];
    try {
      for (const binding of bindings) {
        applied.push(await client.apply(binding));
      }
    } finally {
      await this.options.bindings?.applied(target, applied);
    }
  }

  /** Revokes one member's access now (deletes their two RoleBindings). */
  async removeMember(target: ProvisionTarget, username: string): Promise<void> {
    const client = this.client(target.cluster);
    const deleted: string[] = [];
    try {
      for (const prefix of ['ca-edit', 'ca-rbm'] as const) {
        const name = memberBindingName(prefix, username);
        await client.delete({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          namespace: target.namespace,
          name,
        });
        deleted.push(name);
      }
    } finally {
      await this.options.bindings?.deleted(target, deleted);
    }
  }

  /**
   * Deletes the namespace of a create request (and with it everything in
   * it), if it is ours. `gone` once the cluster no longer has it; `deleting`
   * while Kubernetes is still removing it (Terminating), which takes seconds
   * to minutes: call again until it is gone.
   */
  async decommission(target: ProvisionTarget): Promise<'gone' | 'deleting'> {
    const client = this.client(target.cluster);
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: target.namespace };
    const live = await client.get(ref);
    if (!live) return 'gone';
    if (!isOwnedBy(live, target.id)) {
      throw new ConflictError(
        `Namespace ${target.namespace} on cluster ${target.cluster} was not made by request ${target.id}; Cluster Access refuses to delete it`,
      );
    }
    if (live.metadata.deletionTimestamp) return 'deleting';
    return (await client.delete(ref)) ? 'deleting' : 'gone';
  }
}
