/*
 * One reconcile pass of one cluster, streamed: each managed kind is listed page by page and
 * every page is compared with the desired state and repaired before the next is fetched.
 * Across pages only names are kept (which objects were seen, which namespaces may be
 * touched, who had a binding), plus the repairs made, so the backend's memory follows the
 * page size and not the size of the cluster.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterClient,
  KubeObject,
} from '@cluster-access/plugin-cluster-access-node';
import { historyNamespace } from '../../history/HistoryRecorder';
import { ResolvedMembers } from '../members/members';
import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  MANAGED_SELECTOR,
  REQUEST_ID_ANNOTATION,
  USER_ANNOTATION,
} from './labels';
import {
  desiredObjects,
  MANAGED_KINDS,
  needsApply,
  objectKey,
} from './manifests';
import {
  isOwnedBy,
  NamespaceProvisioner,
  ProvisionTarget,
} from './NamespaceProvisioner';
import { ClusterBusyError } from './clusterFailures';
import {
  recordDriftRepairs,
  recordLeaverRemovals,
} from '../../metrics/metrics';

type KindType = (typeof MANAGED_KINDS)[number];

/** What one namespace got this pass, written to its history at the end. */
export interface NamespaceRepairs {
  request: ProvisionTarget;
  repaired: string[];
  granted: Set<string>;
  revoked: Set<string>;
}

/** What the pass found, for the access step and the report. */
export interface PassResult {
  applied: number;
  deleted: number;
  errors: string[];
  failedKinds: Set<string>;
  /** Namespaces listed this pass that their request owns and that are not being deleted. */
  owned: Set<string>;
  /** RoleBindings without our label in those namespaces, by `objectKey`. */
  unmanaged: Map<string, KubeObject>;
  /** Our RoleBindings in those namespaces as they stand after the pass, by `objectKey`. */
  managed: Map<string, KubeObject>;
  repairs: Map<string, NamespaceRepairs>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Stops the pass: the cluster asked to slow down. */
class Throttled extends Error {}

const isManaged = (o: KubeObject) =>
  o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;

/** The fields the access step reads of a kubectl-made binding. */
function trimBinding(o: KubeObject): KubeObject {
  const { name, namespace, labels, annotations } = o.metadata;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name, namespace, labels, annotations },
    roleRef: o.roleRef,
    subjects: o.subjects,
  };
}

export class ClusterPass {
  readonly result: PassResult = {
    applied: 0,
    deleted: 0,
    errors: [],
    failedKinds: new Set(),
    owned: new Set(),
    unmanaged: new Map(),
    managed: new Map(),
    repairs: new Map(),
  };
  private readonly byNamespace: Map<string, ProvisionTarget>;
  /** Namespaces left alone this pass: being deleted, not ours, or a write failed. */
  private readonly skipped = new Set<string>();
  /** `namespace user` of every managed RoleBinding listed: who had access before the pass. */
  private readonly hadAccess = new Set<string>();

  constructor(
    private readonly options: {
      client: ClusterClient;
      requests: ProvisionTarget[];
      resolved: Map<string, ResolvedMembers>;
      provisioner: NamespaceProvisioner;
      logger: LoggerService;
      /** Whether the access step needs the RoleBindings made without Cluster Access. */
      withUnmanaged: boolean;
    },
  ) {
    this.byNamespace = new Map(options.requests.map(r => [r.namespace, r]));
  }

  async run(): Promise<PassResult> {
    try {
      for (const type of MANAGED_KINDS) {
        const listed = await this.reconcileKind(type);
        // Without the Namespaces, ownership and termination cannot be checked.
        if (!listed && type.kind === 'Namespace') break;
      }
    } catch (error) {
      if (!(error instanceof Throttled)) throw error;
      this.result.errors.push(
        'the cluster is throttling; the remaining namespaces wait for the next pass',
      );
    }
    return this.result;
  }

  /** The desired objects of one kind for a request. */
  private desired(request: ProvisionTarget, kind: string): KubeObject[] {
    const { provisioner, resolved } = this.options;
    return desiredObjects(
      provisioner.spec(request, resolved.get(request.id)!.members),
    ).filter(o => o.kind === kind);
  }

  /** Lists one kind page by page, repairing as it goes; false when the list failed. */
  private async reconcileKind(type: KindType): Promise<boolean> {
    const { client, logger } = this.options;
    const { kind } = type;
    const seen = new Set<string>();
    const all = kind === 'RoleBinding' && this.options.withUnmanaged;
    try {
      await client.listPages(type, all ? '' : MANAGED_SELECTOR, async page => {
        const desiredHere = new Map<string, Map<string, KubeObject>>();
        for (const object of page) {
          await this.visit(object, seen, desiredHere);
        }
      });
    } catch (error) {
      if (error instanceof Throttled) throw error;
      this.result.failedKinds.add(kind);
      this.result.errors.push(`list ${kind}: ${errorMessage(error)}`);
      logger.warn(
        `Reconciling cluster ${
          client.cluster
        }: listing ${kind} failed, skipped this pass: ${errorMessage(error)}`,
      );
      return false;
    }
    // What was never seen is missing: made (again) now.
    for (const request of this.options.requests) {
      if (this.skipped.has(request.namespace)) continue;
      for (const object of this.desired(request, kind)) {
        if (seen.has(objectKey(object))) continue;
        await this.guard(request, () => this.write(request, object, undefined));
      }
    }
    return true;
  }

  /** One listed object: recorded, then repaired or removed when it differs from the desired state. */
  private async visit(
    object: KubeObject,
    seen: Set<string>,
    desiredHere: Map<string, Map<string, KubeObject>>,
  ): Promise<void> {
    const key = objectKey(object);
    if (object.kind === 'Namespace') this.visitNamespace(object);
    const ns =
      object.kind === 'Namespace'
        ? object.metadata.name
        : object.metadata.namespace ?? '';
    if (!isManaged(object)) {
      if (this.result.owned.has(ns)) {
        this.result.unmanaged.set(key, trimBinding(object));
      }
      return;
    }
    const request = this.byNamespace.get(ns);
    if (!request) return;
    // Seen even when left alone: a skipped namespace is never made again.
    seen.add(key);
    // Stands unless the pass deletes or replaces it (noted again then).
    this.standing(object);
    if (this.skipped.has(ns)) return;
    const user = object.metadata.annotations?.[USER_ANNOTATION];
    if (object.kind === 'RoleBinding' && user) {
      this.hadAccess.add(`${ns} ${user}`);
    }
    let desired = desiredHere.get(ns);
    if (!desired) {
      desired = new Map(
        this.desired(request, object.kind).map(o => [objectKey(o), o]),
      );
      desiredHere.set(ns, desired);
    }
    const want = desired.get(key);
    if (want) {
      if (!needsApply(want, object)) return;
      await this.guard(request, () => this.write(request, want, object));
    } else {
      await this.guard(request, () => this.remove(request, object));
    }
  }

  /** Notes one of our RoleBindings that stands after the pass, for the access step. */
  private standing(object: KubeObject): void {
    const ns = object.metadata.namespace ?? '';
    if (object.kind !== 'RoleBinding' || !this.options.withUnmanaged) return;
    if (this.result.owned.has(ns)) {
      this.result.managed.set(objectKey(object), trimBinding(object));
    }
  }

  /** One of our RoleBindings deleted this pass: no longer stands. */
  private gone(object: KubeObject): void {
    this.result.managed.delete(objectKey(object));
  }

  /**
   * The live Namespace of a request decides whether it may be reconciled: not while it is
   * being deleted (whoever made it; the next pass sees it gone), and never one that carries
   * our label but belongs to another request.
   */
  private visitNamespace(namespace: KubeObject): void {
    const name = namespace.metadata.name;
    const request = this.byNamespace.get(name);
    if (!request) return;
    if (namespace.metadata.deletionTimestamp) {
      this.skipped.add(name);
    } else if (!isOwnedBy(namespace, request.id)) {
      this.skipped.add(name);
      this.result.errors.push(
        `${name}: namespace carries our label but belongs to request ${
          namespace.metadata.annotations?.[REQUEST_ID_ANNOTATION] ?? '(none)'
        }; left alone`,
      );
    } else {
      this.result.owned.add(name);
    }
  }

  /**
   * Runs the writes of one namespace: a failure is reported and leaves that namespace for
   * the next pass; throttling stops the pass.
   */
  private async guard(
    request: ProvisionTarget,
    fn: () => Promise<void>,
  ): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.skipped.add(request.namespace);
      this.result.errors.push(`${request.namespace}: ${errorMessage(error)}`);
      this.options.logger.warn(
        `Reconciling ${historyNamespace(request)} failed: ${errorMessage(
          error,
        )}`,
      );
      if (error instanceof ClusterBusyError) throw new Throttled();
    }
  }

  private repairsOf(request: ProvisionTarget): NamespaceRepairs {
    let entry = this.result.repairs.get(request.namespace);
    if (!entry) {
      entry = { request, repaired: [], granted: new Set(), revoked: new Set() };
      this.result.repairs.set(request.namespace, entry);
    }
    return entry;
  }

  /** Applies a missing or changed object. */
  private async write(
    request: ProvisionTarget,
    object: KubeObject,
    current: KubeObject | undefined,
  ): Promise<void> {
    await this.prepareWrite(request, object, current);
    await this.options.client.apply(object);
    this.result.applied += 1;
    this.standing(object);
    recordDriftRepairs(request.cluster, object.kind);
    const entry = this.repairsOf(request);
    entry.repaired.push(
      `${objectKey(object)}${current ? ' (changed)' : ' (missing)'}`,
    );
    const user = object.metadata.annotations?.[USER_ANNOTATION];
    if (
      object.kind === 'RoleBinding' &&
      user &&
      !this.hadAccess.has(`${request.namespace} ${user}`)
    ) {
      entry.granted.add(user);
    }
  }

  /** Deletes a managed object that should no longer exist. */
  private async remove(
    request: ProvisionTarget,
    object: KubeObject,
  ): Promise<void> {
    const membership = this.options.resolved.get(request.id)!;
    // Without the owner Group from the catalog we cannot know who left it;
    // keep existing bindings rather than lock everyone out.
    if (object.kind === 'RoleBinding' && !membership.groupFound) return;
    await this.options.client.delete({
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
    });
    this.gone(object);
    this.result.deleted += 1;
    const entry = this.repairsOf(request);
    entry.repaired.push(`${objectKey(object)} (removed)`);
    const user = object.metadata.annotations?.[USER_ANNOTATION];
    const members = new Set(membership.members.map(m => m.user));
    if (object.kind === 'RoleBinding' && user && !members.has(user)) {
      entry.revoked.add(user);
      recordLeaverRemovals(request.cluster, 'left_group');
    } else {
      recordDriftRepairs(request.cluster, object.kind);
    }
  }

  /**
   * What must happen before a desired object is applied: a Namespace
   * deleted out of band is made again, but a namespace of the same name
   * that someone else created is never taken over; a RoleBinding whose
   * roleRef (immutable) points elsewhere is replaced.
   */
  private async prepareWrite(
    request: ProvisionTarget,
    object: KubeObject,
    current: KubeObject | undefined,
  ): Promise<void> {
    const { client } = this.options;
    if (object.kind === 'Namespace' && !current) {
      const { created } = await client.create(object);
      if (!created) {
        const existing = await client.get({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: request.namespace,
        });
        if (!existing || !isOwnedBy(existing, request.id)) {
          throw new Error(
            `namespace exists without our ownership record; it is never adopted`,
          );
        }
      }
    }
    if (current && object.kind === 'RoleBinding') {
      const have = current.roleRef as { kind?: string; name?: string };
      const want = object.roleRef as { kind: string; name: string };
      if (have?.kind !== want.kind || have?.name !== want.name) {
        // roleRef is immutable: a binding pointing elsewhere is replaced.
        await client.delete({
          apiVersion: object.apiVersion,
          kind: object.kind,
          namespace: object.metadata.namespace,
          name: object.metadata.name,
        });
      }
    }
  }
}
