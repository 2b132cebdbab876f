/*
 * The registry's verbs, as kube-apiserver's generic registry serves them: get and list
 * (`listing.ts`), create, update, patch and server-side apply (request checks here, the shared
 * write path in `writePath.ts`), delete and deletecollection (namespaces through
 * `namespaceLifecycle.ts`). Request bodies are read in `objects.ts`.
 */
import { AuthorizationLog } from './audit';
import { RbacAdmission } from './rbacAdmission';
import { Admission } from './admission';
import { applyDefaults } from './defaults';
import {
  alreadyExists,
  badRequest,
  KubeStatusError,
  conflict,
  notFound,
} from './errors';
import { aggregateClusterRoles, clusterRolesType } from './aggregation';
import { ListOptions, listObjects } from './listing';
import { NamespaceLifecycle, namespacesType } from './namespaceLifecycle';
import {
  decodeApplyConfiguration,
  decodeBody,
  gr,
  nameMismatch,
  nowTimestamp,
  randomSuffix,
} from './objects';
import { parsePatchDocument, patchObject } from './patch';
import { RbacAuthorizer } from './rbac';
import { apiVersionOf, KubeObject, ResourceType } from './resources';
import { handleUnknownFields } from './schema';
import { serverSideApply } from './ssa';
import { ObjectStore } from './store';
import { validateObject } from './validation';
import { present, WriteContext, WritePath, WriteResult } from './writePath';

export type { ListOptions } from './listing';
export type { WriteContext, WriteResult } from './writePath';

function checkPreconditions(
  type: ResourceType,
  name: string,
  live: KubeObject,
  preconditions: { uid?: string; resourceVersion?: string },
): void {
  if (preconditions.uid && preconditions.uid !== live.metadata?.uid) {
    throw conflict(
      gr(type),
      name,
      `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${live.metadata?.uid}`,
    );
  }
  if (
    preconditions.resourceVersion &&
    preconditions.resourceVersion !== live.metadata?.resourceVersion
  ) {
    throw conflict(
      gr(type),
      name,
      `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${live.metadata?.resourceVersion}`,
    );
  }
}

/** The registry for all stored resources. */
export class ResourceApi {
  private readonly namespaces: NamespaceLifecycle;
  private readonly writes: WritePath;
  /** Continue tokens of lists started before this revision answer 410 (etcd compaction). */
  private compactedRevision = 0;

  /** The store, for watches. */
  get objects(): ObjectStore {
    return this.store;
  }

  constructor(
    private readonly store: ObjectStore,
    authorizer: RbacAuthorizer,
    options: { namespaceTerminationMs: number },
    log: AuthorizationLog = new AuthorizationLog(),
  ) {
    this.namespaces = new NamespaceLifecycle(
      store,
      options.namespaceTerminationMs,
    );
    this.writes = new WritePath(
      store,
      new Admission(store),
      new RbacAdmission(authorizer, log),
      this.namespaces,
    );
  }

  /**
   * What kube-apiserver's periodic etcd compaction does to paging: continue tokens of lists
   * started before now expire (410 Gone).
   */
  compact(): void {
    this.compactedRevision = this.store.compact();
  }

  /** Stops pending namespace finalizations (server shutdown). */
  dispose(): void {
    this.namespaces.dispose();
  }

  /** How an object is served: computed status filled in. */
  present(type: ResourceType, obj: KubeObject): KubeObject {
    return present(this.store, type, obj);
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const obj = this.store.get(type, namespace, name);
    if (!obj) throw notFound(gr(type), name);
    return this.present(type, obj);
  }

  list(
    type: ResourceType,
    namespace: string | undefined,
    opts: ListOptions,
  ): KubeObject {
    return listObjects({
      store: this.store,
      type,
      namespace,
      opts,
      compactedRevision: this.compactedRevision,
      present: obj => this.present(type, obj),
    });
  }

  /** A create of a name that exists: 409, after validation so a bad name is reported first. */
  private refuseExisting(
    type: ResourceType,
    obj: KubeObject,
    existing: KubeObject,
  ): never {
    applyDefaults(type, obj);
    validateObject(obj, type);
    const err = alreadyExists(gr(type), obj.metadata!.name!);
    if (!existing.metadata?.deletionTimestamp) throw err;
    // The generic registry says why a name cannot be reused yet.
    throw new KubeStatusError({
      code: err.code,
      reason: err.reason,
      message: `object is being deleted: ${err.message}`,
      details: err.details,
    });
  }

  create(
    ctx: WriteContext,
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
  ): WriteResult {
    const obj = decodeBody(type, body, namespace);
    const warnings = handleUnknownFields(type.kind, obj, ctx.fieldValidation);
    const meta = obj.metadata!;
    if (!meta.name && meta.generateName)
      meta.name = `${meta.generateName}${randomSuffix()}`;
    for (const f of [
      'resourceVersion',
      'uid',
      'creationTimestamp',
      'deletionTimestamp',
      'generation',
    ] as const) {
      delete meta[f];
    }
    const existing = meta.name
      ? this.store.get(type, namespace, meta.name)
      : undefined;
    if (existing) this.refuseExisting(type, obj, existing);
    if (type.namespaced)
      this.namespaces.requireLive(type, namespace ?? '', meta.name ?? '');
    if (type.subresources?.includes('status')) delete obj.status;
    const created = this.writes.commit(ctx, type, undefined, obj);
    return {
      code: 201,
      body: created,
      warnings: [...warnings, ...(ctx.warnings ?? [])],
    };
  }

  /** An update of the live object with `obj`, from a PUT or a patch that passed its checks. */
  private replace(
    ctx: WriteContext,
    type: ResourceType,
    live: KubeObject,
    obj: KubeObject,
    warnings: string[],
  ): WriteResult {
    const name = live.metadata!.name!;
    // managedFields sent back by the client are replaced by the server's bookkeeping.
    obj.metadata!.managedFields = live.metadata?.managedFields;
    const updated = this.writes.commit(ctx, type, live, obj, {
      requestName: name,
    });
    return {
      code: 200,
      body: updated,
      warnings: [...warnings, ...(ctx.warnings ?? [])],
    };
  }

  update(
    ctx: WriteContext,
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
  ): WriteResult {
    const obj = decodeBody(type, body, namespace);
    const warnings = handleUnknownFields(type.kind, obj, ctx.fieldValidation);
    if (obj.metadata!.name !== undefined && obj.metadata!.name !== name) {
      throw nameMismatch(obj.metadata!.name, name);
    }
    obj.metadata!.name = name;
    const live = this.store.get(type, namespace, name);
    if (!live) throw notFound(gr(type), name);
    const rv = obj.metadata!.resourceVersion;
    if (
      rv !== undefined &&
      rv !== '' &&
      rv !== live.metadata?.resourceVersion
    ) {
      throw conflict(gr(type), name);
    }
    return this.replace(ctx, type, live, obj, warnings);
  }

  patch(
    ctx: WriteContext,
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    rawBody: string,
    contentType: string,
    force: boolean,
  ): WriteResult {
    const live = this.store.get(type, namespace, name);
    if (contentType === 'application/apply-patch+yaml') {
      return this.apply(ctx, type, namespace, name, rawBody, force, live);
    }
    if (force)
      throw badRequest(
        'force: Forbidden: may not be specified for non-apply patch',
      );
    const patchDoc = parsePatchDocument(rawBody);
    if (!live) throw notFound(gr(type), name);
    const patched = patchObject(live, patchDoc, contentType, type.kind);
    const obj = decodeBody(type, patched, namespace);
    const warnings = handleUnknownFields(type.kind, obj, ctx.fieldValidation);
    if (obj.metadata!.name !== name) {
      throw nameMismatch(obj.metadata!.name, name);
    }
    if (obj.metadata!.resourceVersion !== live.metadata?.resourceVersion) {
      throw conflict(gr(type), name);
    }
    return this.replace(ctx, type, live, obj, warnings);
  }

  private apply(
    ctx: WriteContext,
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    rawBody: string,
    force: boolean,
    live: KubeObject | undefined,
  ): WriteResult {
    const config = decodeApplyConfiguration(type, namespace, name, rawBody);
    const version = config.metadata!.resourceVersion;
    if (version && live && version !== live.metadata?.resourceVersion) {
      throw conflict(gr(type), name);
    }
    if (!live && type.namespaced)
      this.namespaces.requireLive(type, namespace ?? '', name);
    const merged = serverSideApply({
      live,
      applied: config,
      manager: ctx.fieldManager,
      force,
      apiVersion: apiVersionOf(type),
      now: nowTimestamp(),
    });
    merged.metadata = { ...merged.metadata, name };
    if (type.namespaced) merged.metadata.namespace = namespace;
    if (!live) {
      delete merged.metadata.uid;
      delete merged.metadata.resourceVersion;
    }
    const body = this.writes.commit(ctx, type, live, merged, {
      applied: true,
      requestName: name,
    });
    return { code: live ? 200 : 201, body, warnings: ctx.warnings };
  }

  delete(
    ctx: WriteContext,
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    preconditions: { uid?: string; resourceVersion?: string },
  ): WriteResult {
    const live = this.store.get(type, namespace, name);
    if (!live) throw notFound(gr(type), name);
    checkPreconditions(type, name, live, preconditions);
    const admit = () =>
      this.writes.admit(ctx, { operation: 'DELETE', type, oldObject: live });
    if (type === namespacesType) {
      return {
        code: 200,
        body: this.namespaces.terminate(live, ctx.dryRun, admit),
      };
    }
    admit();
    if (!ctx.dryRun) {
      this.store.remove(type, namespace, name);
      if (type === clusterRolesType) this.aggregateClusterRoles();
    }
    return {
      code: 200,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name,
          ...(type.group ? { group: type.group } : {}),
          kind: type.resource,
          uid: live.metadata?.uid,
        },
      },
    };
  }

  deleteCollection(
    ctx: WriteContext,
    type: ResourceType,
    namespace: string | undefined,
    opts: ListOptions,
  ): WriteResult {
    const list = this.list(type, namespace, {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
    });
    const items = (list.items as KubeObject[]) ?? [];
    for (const item of items) {
      this.delete(
        ctx,
        type,
        item.metadata?.namespace,
        item.metadata!.name!,
        {},
      );
    }
    return { code: 200, body: list };
  }

  /** See `aggregation.ts`; bootstrap runs it after seeding the built-in roles. */
  aggregateClusterRoles(): void {
    aggregateClusterRoles(this.store);
  }

  /** Stores an object as-is apart from server metadata, bypassing admission (bootstrap, tests). */
  seed(type: ResourceType, obj: KubeObject): KubeObject {
    return this.writes.seed(type, obj);
  }
}
