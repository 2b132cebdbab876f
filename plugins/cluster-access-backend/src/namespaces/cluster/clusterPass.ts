/*
 * One reconcile pass of one cluster, streamed: each managed kind is listed page by page and
 * joined, namespace by namespace, with the cluster's ready requests read from the database
 * page by page in the same (etcd key) order (keyOrder.ts). Each namespace is compared with
 * its desired state and repaired as soon as the list has moved past it. Across namespaces
 * the pass keeps only exceptions (namespaces it must leave alone or does not own this time)
 * and the repairs it made; the access step gets one page of requests at a time. So the
 * backend's memory follows the page size, not the size of the cluster.
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
import { prepareWrite } from './prepareWrite';
import { ListOrder, ReadyCursor, ReadyPageReader } from './keyOrder';
import {
  DELETED,
  NamespaceVisit,
  SETTLE_ROUNDS,
  settleFixes,
  visitOf,
} from './namespaceVisit';
import {
  emptyPassResult,
  PassResult,
  recordApplied,
  recordRemoved,
} from './passRecord';

type KindType = (typeof MANAGED_KINDS)[number];

/** What the access step gets: one page of requests and their RoleBindings. */
export interface AccessPage {
  requests: ProvisionTarget[];
  resolved: Map<string, ResolvedMembers>;
  /** Namespaces listed this pass that their request owns and that are not being deleted. */
  owned: Set<string>;
  /** RoleBindings without our label in those namespaces. */
  unmanaged: KubeObject[];
  /** Our RoleBindings in those namespaces as they stand after the pass. */
  managed: KubeObject[];
}

/** The access step's page while the RoleBindings are listed. */
interface AccessBatch extends Omit<AccessPage, 'managed'> {
  managed: Map<string, KubeObject>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Stops the pass: the cluster asked to slow down. */
class Throttled extends Error {}

const isManaged = (o: KubeObject) =>
  o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;

/** The fields the access step reads of a binding. */
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
  readonly result: PassResult = emptyPassResult();
  /** Namespaces left alone for the rest of the pass: being deleted, not ours, or a write failed. */
  private readonly skipped = new Set<string>();
  /**
   * Namespaces of ready requests the pass does not own this time: not listed
   * (made again this pass, seen on the next), being deleted, or someone
   * else's. Every other one listed is owned: only exceptions are kept.
   */
  private readonly notOwned = new Set<string>();
  /** Members of the requests of the current database page (RoleBindings only). */
  private resolved = new Map<string, ResolvedMembers>();
  private batch: AccessBatch | undefined;

  constructor(
    private readonly options: {
      client: ClusterClient;
      /** Pages of the cluster's ready requests, in a list's key order. */
      readReady: ReadyPageReader;
      /** Requests per database page. */
      pageSize: number;
      resolve: (
        requests: ProvisionTarget[],
      ) => Promise<Map<string, ResolvedMembers>>;
      provisioner: NamespaceProvisioner;
      logger: LoggerService;
      /** The access step, given each page of requests once its RoleBindings were all listed. */
      recordAccess?: (page: AccessPage) => Promise<void>;
    },
  ) {}

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
    const { provisioner } = this.options;
    // Only RoleBindings depend on the members (manifests.ts): the other
    // kinds are compared without reading the catalog.
    const members = this.resolved.get(request.id)?.members ?? [];
    return desiredObjects(provisioner.spec(request, members)).filter(
      o => o.kind === kind,
    );
  }

  private owns(namespace: string): boolean {
    return !this.notOwned.has(namespace);
  }

  /** A cursor over the ready requests in the order this kind is listed. */
  private cursor(type: KindType): ReadyCursor {
    const isBindings = type.kind === 'RoleBinding';
    const { recordAccess } = this.options;
    return new ReadyCursor({
      read: this.options.readReady,
      namespaced: type.namespaced,
      pageSize: this.options.pageSize,
      onPage: async page => {
        if (type.kind === 'Namespace') this.result.namespaces += page.length;
        if (!isBindings) return;
        this.resolved = await this.options.resolve(page);
        if (recordAccess) {
          this.batch = {
            requests: page,
            resolved: this.resolved,
            owned: new Set(),
            unmanaged: [],
            managed: new Map(),
          };
        }
      },
      onPageDone: async () => {
        const batch = this.batch;
        this.batch = undefined;
        this.resolved = new Map();
        if (batch && recordAccess) {
          await recordAccess({
            ...batch,
            managed: [...batch.managed.values()],
          });
        }
      },
    });
  }

  /** Lists one kind page by page, repairing as it goes; false when the list failed. */
  private async reconcileKind(type: KindType): Promise<boolean> {
    const { client, logger } = this.options;
    const { kind } = type;
    const cursor = this.cursor(type);
    const order = new ListOrder(kind, type.namespaced);
    const withUnmanaged =
      kind === 'RoleBinding' && Boolean(this.options.recordAccess);
    let current: NamespaceVisit | undefined;
    try {
      const selector = withUnmanaged ? '' : MANAGED_SELECTOR;
      await client.listPages(type, selector, async page => {
        for (const object of order.fresh(page)) {
          const namespace = type.namespaced
            ? object.metadata.namespace ?? ''
            : object.metadata.name;
          if (current?.namespace !== namespace) {
            if (current) await this.finish(type, current);
            current = await this.enter(type, cursor, namespace);
          }
          await this.visit(object, current);
        }
      });
    } catch (error) {
      if (error instanceof Throttled) throw error;
      this.batch = undefined;
      this.result.failedKinds.add(kind);
      this.result.errors.push(`list ${kind}: ${errorMessage(error)}`);
      logger.warn(
        `Reconciling cluster ${
          client.cluster
        }: listing ${kind} failed, skipped this pass: ${errorMessage(error)}`,
      );
      return false;
    }
    if (current) await this.finish(type, current);
    // Requests after the last namespace listed: nothing of this kind is there.
    for await (const request of cursor.before()) {
      await this.finish(type, visitOf(request.namespace, request));
    }
    await cursor.close();
    return true;
  }

  /** The list reached a namespace: requests that sort before it had nothing of this kind. */
  private async enter(
    type: KindType,
    cursor: ReadyCursor,
    namespace: string,
  ): Promise<NamespaceVisit> {
    for await (const request of cursor.before(cursor.sortKey(namespace))) {
      await this.finish(type, visitOf(request.namespace, request));
    }
    const next = await cursor.peek();
    if (next?.namespace !== namespace) return visitOf(namespace);
    cursor.take();
    return visitOf(namespace, next);
  }

  /** The list moved past a namespace: what was never seen is missing and made (again) now. */
  private async finish(type: KindType, visit: NamespaceVisit): Promise<void> {
    const { request, namespace } = visit;
    if (!request) return;
    if (type.kind === 'Namespace' && !visit.listed) {
      this.notOwned.add(namespace);
    }
    const unseen = () =>
      this.skipped.has(namespace)
        ? []
        : this.desired(request, type.kind).filter(
            o => !visit.seen.has(objectKey(o)),
          );
    let missing = unseen();
    if (missing.length && type.kind === 'RoleBinding' && !visit.confirmed) {
      await this.guard(request, () => this.confirm(request, visit));
      missing = unseen();
    }
    for (const object of missing) {
      await this.guard(request, () =>
        this.write(request, object, undefined, visit),
      );
    }
    // Also after a write that failed: those made before it are checked.
    if (visit.written.size) await this.settle(request, visit);
    if (this.batch && this.owns(namespace)) this.batch.owned.add(namespace);
  }

  /** One listed object: recorded, then repaired or removed when it differs from the desired state. */
  private async visit(
    object: KubeObject,
    visit: NamespaceVisit,
  ): Promise<void> {
    const { request, namespace: ns } = visit;
    // Not the namespace of a ready request: never touched.
    if (!request) return;
    const key = objectKey(object);
    if (object.kind === 'Namespace') this.visitNamespace(object, visit);
    if (!isManaged(object)) {
      if (this.batch && this.owns(ns)) {
        this.batch.unmanaged.push(trimBinding(object));
      }
      return;
    }
    // Seen even when left alone: a skipped namespace is never made again.
    visit.seen.add(key);
    // Stands unless the pass deletes or replaces it (noted again then).
    this.standing(object);
    if (this.skipped.has(ns)) return;
    const user = object.metadata.annotations?.[USER_ANNOTATION];
    if (object.kind === 'RoleBinding' && user) visit.hadAccess.add(user);
    await this.guard(request, async () => {
      const want = await this.wanted(request, object, visit);
      if (!want) await this.remove(request, object, visit);
      else if (needsApply(want, object)) {
        await this.write(request, want, object, visit);
      }
    });
  }

  /**
   * The desired state of a listed object. A RoleBinding is written or
   * deleted only on members read after it was listed (confirm); one that
   * already matches costs nothing more.
   */
  private async wanted(
    request: ProvisionTarget,
    object: KubeObject,
    visit: NamespaceVisit,
  ): Promise<KubeObject | undefined> {
    visit.desired ??= new Map(
      this.desired(request, object.kind).map(o => [objectKey(o), o]),
    );
    const want = visit.desired.get(objectKey(object));
    if (object.kind !== 'RoleBinding' || visit.confirmed) return want;
    if (want && !needsApply(want, object)) return want;
    // Without the owner Group nothing is deleted (remove): nothing to confirm.
    if (!want && !this.resolved.get(request.id)?.groupFound) return want;
    await this.confirm(request, visit);
    return this.wanted(request, object, visit);
  }

  /**
   * Reads a namespace's members again before one of its RoleBindings is
   * made, changed or deleted. The pass read them before it listed that
   * binding (per page of requests; a list started again after an expired
   * continue token is a newer snapshot than that read), so a member added
   * or removed in between would lose a binding the API just made, or get
   * back one it just deleted. The API saves the member before it applies
   * their bindings and deletes the bindings after it removes the member,
   * so a read made after the list agrees with every binding the list
   * holds. Once per namespace and pass, and only where something changes:
   * a quiet pass reads nothing more. A change between this read and the
   * writes it decides is caught by settle.
   */
  private async confirm(
    request: ProvisionTarget,
    visit: NamespaceVisit,
  ): Promise<void> {
    if (visit.confirmed) return;
    visit.confirmed = true;
    await this.readMembers(request, visit);
  }

  private async readMembers(
    request: ProvisionTarget,
    visit: NamespaceVisit,
  ): Promise<void> {
    const fresh = (await this.options.resolve([request])).get(request.id);
    // The access step gets the same, newer view of this namespace.
    if (fresh) this.resolved.set(request.id, fresh);
    visit.desired = undefined;
  }

  /**
   * Closes the window between confirm and the writes it decided: a member
   * added or removed through the API in between would have their bindings
   * made or deleted by the API, then undone by the pass. So once a
   * namespace's RoleBindings are written, its members are read again (one
   * read for all of them, and none where nothing was written) and each
   * written binding is held against them:
   *
   * - deleted, and its member is there now: applied again. A member saved
   *   after this read has the API apply their bindings after it, so after
   *   our delete; one saved before it is seen by it.
   * - applied, and its member is gone now (or it differs): deleted again
   *   (or applied as it should be). A member removed after this read has
   *   the API delete their bindings after it, so after our apply.
   * - it agrees: it stands, by the same argument.
   *
   * So whatever the interleaving, the last write to a binding is either
   * the API's own, made after the member row it follows, or ours, made
   * before a read that agrees with it, after which any change of that
   * member brings the API's own write. A write made here is checked the
   * same way on the next round; a further round needs yet another change
   * of a member within milliseconds, so the rounds stop once the members
   * stand still, and after SETTLE_ROUNDS the rest waits for the next pass.
   * Two passes at once (replicas) converge the same way: each one's last
   * write is checked by its own later read, and passes that read the same
   * members want the same bindings, so they cannot undo each other.
   */
  private async settle(
    request: ProvisionTarget,
    visit: NamespaceVisit,
  ): Promise<void> {
    await this.guard(request, async () => {
      for (let round = 0; round < SETTLE_ROUNDS; round++) {
        const written = visit.written;
        if (!written.size) return;
        visit.written = new Map();
        await this.readMembers(request, visit);
        const desired = this.desired(request, 'RoleBinding');
        for (const fix of settleFixes(written, desired)) {
          if (fix.remove) await this.remove(request, fix.remove, visit);
          else await this.write(request, fix.apply, fix.current, visit);
        }
      }
    });
  }

  /** Notes one of our RoleBindings that stands after the pass, for the access step. */
  private standing(object: KubeObject): void {
    const ns = object.metadata.namespace ?? '';
    if (object.kind !== 'RoleBinding' || !this.batch || !this.owns(ns)) return;
    this.batch.managed.set(objectKey(object), trimBinding(object));
  }

  /** One of our RoleBindings deleted this pass: no longer stands. */
  private gone(object: KubeObject): void {
    this.batch?.managed.delete(objectKey(object));
  }

  /**
   * The live Namespace of a request decides whether it may be reconciled: not while it is
   * being deleted (whoever made it; the next pass sees it gone), and never one that carries
   * our label but belongs to another request.
   */
  private visitNamespace(namespace: KubeObject, visit: NamespaceVisit): void {
    const name = namespace.metadata.name;
    const request = visit.request!;
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
      visit.listed = true;
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

  /** Applies a missing or changed object. */
  private async write(
    request: ProvisionTarget,
    object: KubeObject,
    current: KubeObject | undefined,
    visit: NamespaceVisit,
  ): Promise<void> {
    await prepareWrite({
      client: this.options.client,
      request,
      object,
      current,
    });
    await this.options.client.apply(object);
    this.standing(object);
    if (object.kind === 'RoleBinding') {
      visit.written.set(objectKey(object), object);
    }
    recordApplied(this.result, {
      request,
      object,
      current,
      hadAccess: visit.hadAccess,
    });
  }

  /** Deletes a managed object that should no longer exist. */
  private async remove(
    request: ProvisionTarget,
    object: KubeObject,
    visit: NamespaceVisit,
  ): Promise<void> {
    const isBinding = object.kind === 'RoleBinding';
    const membership = isBinding ? this.resolved.get(request.id) : undefined;
    // Without the owner Group from the catalog we cannot know who left it;
    // keep existing bindings rather than lock everyone out.
    if (isBinding && !membership?.groupFound) return;
    await this.options.client.delete({
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
    });
    this.gone(object);
    if (isBinding) visit.written.set(objectKey(object), DELETED);
    recordRemoved(this.result, {
      request,
      object,
      membership,
      madeThisPass: !visit.seen.has(objectKey(object)),
    });
  }
}
