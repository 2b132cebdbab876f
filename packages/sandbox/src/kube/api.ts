/*
 * The registry layer: what kube-apiserver's generic registry plus the kind strategies do for
 * each verb — defaulting, validation, admission (namespace lifecycle, quota, RBAC escalation),
 * optimistic concurrency, server-managed metadata, field management, storage.
 */
import { randomUUID, randomInt } from 'node:crypto';
import { AdmissionAttributes, admitByPolicies } from './admissionPolicy';
import { AuthorizationLog } from './audit';
import { RbacAdmission } from './rbacAdmission';
import { UserInfo } from './auth';
import {
  alreadyExists,
  badRequest,
  KubeStatusError,
  conflict,
  expiredContinue,
  forbiddenResource,
  GroupResource,
  notFound,
} from './errors';
import { Admission } from './admission';
import { applyDefaults } from './defaults';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { quotaStatus } from './quota';
import { RbacAuthorizer } from './rbac';
import {
  apiVersionOf,
  KubeObject,
  ResourceType,
  resourceTypes,
} from './resources';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  requirementsFromSelector,
  LabelSelectorObject,
} from './selectors';
import { deepEqual, serverSideApply, trackUpdate } from './ssa';
import {
  FieldValidation,
  handleUnknownFields,
  pruneUnknownFields,
} from './schema';
import { ObjectStore } from './store';
import { validateObject, validateUpdate } from './validation';
import { parse as parseYaml } from 'yaml';

/** Who is writing, and how. */
export interface WriteContext {
  user: UserInfo;
  /** How unknown fields in the request are treated (`fieldValidation` query parameter). */
  fieldValidation: FieldValidation;
  /** `fieldManager` query parameter, or the default derived from the User-Agent. */
  fieldManager: string;
  dryRun: boolean;
  /** Admission warnings collected while the request is handled (`Warning` headers). */
  warnings?: string[];
  /** A write of the peer itself (bootstrap, test set-up): admission plugins do not run. */
  internal?: boolean;
}

/** The result of a write: HTTP status code and body. */
export interface WriteResult {
  code: number;
  body: unknown;
  /** Texts for `Warning` response headers. */
  warnings?: string[];
}

const typeOf = (group: string, resource: string) =>
  resourceTypes.find(t => t.group === group && t.resource === resource)!;
const namespacesType = typeOf('', 'namespaces');
const serviceAccountsType = typeOf('', 'serviceaccounts');
const clusterRolesType = typeOf('rbac.authorization.k8s.io', 'clusterroles');
const policiesType = typeOf(
  'admissionregistration.k8s.io',
  'validatingadmissionpolicies',
);
const policyBindingsType = typeOf(
  'admissionregistration.k8s.io',
  'validatingadmissionpolicybindings',
);

/** Namespaces kube-apiserver refuses to delete. */
const undeletableNamespaces = new Set([
  'default',
  'kube-system',
  'kube-public',
]);

function gr(type: ResourceType): GroupResource {
  return { group: type.group, resource: type.resource };
}

function nowTimestamp(): string {
  // Kubernetes timestamps are RFC 3339 with second precision.
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function randomSuffix(): string {
  // The alphabet of k8s.io/apimachinery/pkg/util/rand.String (no vowels, no lookalikes).
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Everything outside metadata and status, to decide whether `generation` moves. */
function specPart(obj: KubeObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** Compares two objects ignoring the fields the server rewrites on every write. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const c = structuredClone(o);
    if (c.metadata) {
      delete c.metadata.resourceVersion;
      delete c.metadata.generation;
    }
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

/** Options for a list call, taken from the query string. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
}

/** The registry for all stored resources. */
export class ResourceApi {
  private readonly pendingTerminations = new Set<NodeJS.Timeout>();
  private readonly admission: Admission;
  /** Continue tokens of lists started before this revision answer 410 (etcd compaction). */
  private compactedRevision = 0;

  /** The store, for watches. */
  get objects(): ObjectStore {
    return this.store;
  }

  constructor(
    private readonly store: ObjectStore,
    authorizer: RbacAuthorizer,
    private readonly options: { namespaceTerminationMs: number },
    log: AuthorizationLog = new AuthorizationLog(),
  ) {
    this.rbac = new RbacAdmission(authorizer, log);
    this.admission = new Admission(store);
  }

  private readonly rbac: RbacAdmission;

  /**
   * What kube-apiserver's periodic etcd compaction does to paging: continue tokens of lists
   * started before now expire (410 Gone).
   */
  compact(): void {
    this.compactedRevision = this.store.compact();
  }

  /** Stops pending namespace finalizations (server shutdown). */
  dispose(): void {
    for (const t of this.pendingTerminations) clearTimeout(t);
    this.pendingTerminations.clear();
  }

  /** How an object is served: computed status filled in. */
  present(type: ResourceType, obj: KubeObject): KubeObject {
    if (type.kind === 'ResourceQuota') {
      obj.status = quotaStatus(obj, this.store);
    }
    return obj;
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
    const labelReqs = opts.labelSelector
      ? parseLabelSelector(opts.labelSelector)
      : [];
    const fieldReqs = opts.fieldSelector
      ? parseFieldSelector(opts.fieldSelector)
      : [];
    let items = this.store
      .list(type, namespace)
      .filter(
        o =>
          matchesLabels(labelReqs, o.metadata?.labels) &&
          matchesFields(fieldReqs, o),
      );
    // A continue token carries the revision the list started at, like kube-apiserver's.
    let listRevision = Number(this.store.currentResourceVersion());
    if (opts.continueToken) {
      let token: { k?: unknown; rv?: unknown };
      try {
        token = JSON.parse(
          Buffer.from(opts.continueToken, 'base64url').toString(),
        );
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      if (typeof token?.k !== 'string' || typeof token.rv !== 'number') {
        throw badRequest(
          'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
        );
      }
      const after = token.k;
      if (token.rv >= 0 && token.rv <= this.compactedRevision) {
        throw expiredContinue(
          Buffer.from(JSON.stringify({ k: after, rv: -1 })).toString(
            'base64url',
          ),
        );
      }
      // rv -1: the inconsistent continuation a 410 offers, served at the current revision.
      if (token.rv >= 0) listRevision = token.rv;
      items = items.filter(
        o => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}` > after,
      );
    }
    const metadata: Record<string, unknown> = {
      resourceVersion: String(listRevision),
    };
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      items = items.slice(0, opts.limit);
      const last = items[items.length - 1];
      metadata.continue = Buffer.from(
        JSON.stringify({
          k: `${last.metadata?.namespace ?? ''}/${last.metadata?.name}`,
          rv: listRevision,
        }),
      ).toString('base64url');
    }
    return {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata,
      // Like kube-apiserver's typed lists, items carry no apiVersion/kind of their own.
      items: items.map(o => {
        const { apiVersion: _a, kind: _k, ...rest } = this.present(type, o);
        return rest;
      }),
    } as KubeObject;
  }

  private decodeBody(
    type: ResourceType,
    body: unknown,
    namespace: string | undefined,
  ): KubeObject {
    if (!isObject(body))
      throw badRequest('the request body must be a JSON object');
    const obj = structuredClone(body) as KubeObject;
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(type)) {
      throw badRequest(
        `the API version in the data (${
          obj.apiVersion
        }) does not match the expected API version (${apiVersionOf(type)})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== type.kind) {
      throw badRequest(
        `the kind in the data (${obj.kind}) does not match the expected kind (${type.kind})`,
      );
    }
    obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
    if (type.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  private requireLiveNamespace(
    type: ResourceType,
    namespace: string,
    name: string,
  ): void {
    const ns = this.store.get(namespacesType, undefined, namespace);
    if (!ns) throw notFound(gr(namespacesType), namespace);
    if (ns.metadata?.deletionTimestamp) {
      const err = forbiddenResource(
        gr(type),
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
      err.details!.causes = [
        {
          reason: 'NamespaceTerminating',
          message: `namespace ${namespace} is being terminated`,
          field: 'metadata.namespace',
        },
      ];
      throw err;
    }
  }

  /** The validating admission plugins that act on policies: ValidatingAdmissionPolicy. */
  private admit(
    ctx: WriteContext,
    a: Pick<AdmissionAttributes, 'operation' | 'type' | 'object' | 'oldObject'>,
  ): void {
    if (ctx.internal) return;
    const meta = (a.object ?? a.oldObject)?.metadata ?? {};
    const namespace =
      a.type === namespacesType ? meta.name ?? '' : meta.namespace ?? '';
    admitByPolicies({
      attributes: {
        ...a,
        namespace,
        name: meta.name ?? '',
        user: ctx.user,
        dryRun: ctx.dryRun,
      },
      policies: this.store.list(policiesType),
      bindings: this.store.list(policyBindingsType),
      namespaceObject:
        a.type.namespaced && namespace
          ? this.store.get(namespacesType, undefined, namespace)
          : undefined,
    });
  }

  /**
   * The shared write path. `managedFields` are tracked as an Update by `ctx.fieldManager`
   * unless `applied` is set (server-side apply computed them already).
   */
  private commit(
    ctx: WriteContext,
    type: ResourceType,
    oldObj: KubeObject | undefined,
    obj: KubeObject,
    options: {
      /** Server-side apply computed managedFields already. */
      applied?: boolean;
      /** The object's name in the request URL (none for a POST). */
      requestName?: string;
    } = {},
  ): KubeObject {
    const applied = options.applied ?? false;
    applyDefaults(type, obj);
    const meta = obj.metadata!;
    const admission = { plugins: !ctx.internal, dryRun: ctx.dryRun };
    if (oldObj) {
      // Server-owned metadata survives any client write.
      const old = oldObj.metadata!;
      meta.uid = old.uid;
      meta.creationTimestamp = old.creationTimestamp;
      if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
      if (type.subresources?.includes('status')) obj.status = oldObj.status;
      if (type.kind === 'Namespace') obj.spec = oldObj.spec;
    }
    this.admission.mutate(type, obj, oldObj, admission);
    if (oldObj) validateUpdate(oldObj, obj, type);
    validateObject(obj, type);
    this.rbac.admit(ctx, type, oldObj, obj, options.requestName);
    if (!oldObj && applied)
      this.rbac.authorizeCreateOnApply(
        ctx,
        type,
        meta.namespace,
        meta.name ?? '',
      );
    // Validating plugins in kube-apiserver's order: LimitRanger and
    // PodSecurity, then ValidatingAdmissionPolicy, ResourceQuota last.
    ctx.warnings?.push(...this.admission.validate(type, obj, oldObj, admission));
    this.admit(ctx, {
      operation: oldObj ? 'UPDATE' : 'CREATE',
      type,
      object: obj,
      oldObject: oldObj,
    });
    this.admission.quota(type, obj, oldObj, admission);
    if (!applied) {
      meta.managedFields = trackUpdate({
        oldObj,
        newObj: obj,
        manager: ctx.fieldManager,
        apiVersion: apiVersionOf(type),
        now: nowTimestamp(),
      });
    }
    if (oldObj) {
      if (sameContent(oldObj, obj)) return this.present(type, oldObj);
      meta.generation =
        (oldObj.metadata?.generation ?? 1) +
        (deepEqual(specPart(oldObj), specPart(obj)) ? 0 : 1);
    } else {
      meta.uid = randomUUID();
      meta.creationTimestamp = nowTimestamp();
      meta.generation = 1;
      if (type.kind === 'Namespace') {
        obj.spec = { finalizers: ['kubernetes'] };
        obj.status = { phase: 'Active' };
      }
    }
    if (ctx.dryRun) {
      meta.resourceVersion = oldObj?.metadata?.resourceVersion;
      return this.present(type, obj);
    }
    meta.resourceVersion = this.store.nextResourceVersion();
    this.store.put(type, obj);
    if (type === clusterRolesType) this.aggregateClusterRoles();
    if (type === namespacesType && !oldObj) {
      // The service account controller gives every new namespace its `default` account.
      this.seed(serviceAccountsType, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace: meta.name },
      });
    }
    return this.present(
      type,
      this.store.get(type, meta.namespace, meta.name!)!,
    );
  }

  create(
    ctx: WriteContext,
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
  ): WriteResult {
    const obj = this.decodeBody(type, body, namespace);
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
    if (existing) {
      // Validate first so an invalid name is reported as such, then the duplicate.
      applyDefaults(type, obj);
      validateObject(obj, type);
      const err = alreadyExists(gr(type), meta.name!);
      if (existing.metadata?.deletionTimestamp) {
        // The generic registry says why a name cannot be reused yet.
        throw new KubeStatusError({
          code: err.code,
          reason: err.reason,
          message: `object is being deleted: ${err.message}`,
          details: err.details,
        });
      }
      throw err;
    }
    if (type.namespaced)
      this.requireLiveNamespace(type, namespace ?? '', meta.name ?? '');
    if (type.subresources?.includes('status')) delete obj.status;
    const created = this.commit(ctx, type, undefined, obj);
    return {
      code: 201,
      body: created,
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
    const obj = this.decodeBody(type, body, namespace);
    const warnings = handleUnknownFields(type.kind, obj, ctx.fieldValidation);
    if (obj.metadata!.name !== undefined && obj.metadata!.name !== name) {
      throw badRequest(
        `the name of the object (${
          obj.metadata!.name
        }) does not match the name on the URL (${name})`,
      );
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
    // managedFields sent back by the client are replaced by the server's bookkeeping.
    obj.metadata!.managedFields = live.metadata?.managedFields;
    const updated = this.commit(ctx, type, live, obj, { requestName: name });
    return {
      code: 200,
      body: updated,
      warnings: [...warnings, ...(ctx.warnings ?? [])],
    };
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
    let patchDoc: unknown;
    try {
      patchDoc = JSON.parse(rawBody);
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    if (!live) throw notFound(gr(type), name);
    let patched: unknown;
    if (contentType === 'application/json-patch+json') {
      patched = jsonPatch(live, patchDoc);
    } else if (contentType === 'application/strategic-merge-patch+json') {
      if (!isObject(patchDoc))
        throw badRequest('a strategic merge patch must be a JSON object');
      patched = strategicMergePatch(live, patchDoc, type.kind);
    } else {
      if (!isObject(patchDoc))
        throw badRequest('a merge patch must be a JSON object');
      patched = mergePatch(live, patchDoc);
    }
    const obj = this.decodeBody(type, patched, namespace);
    const warnings = handleUnknownFields(type.kind, obj, ctx.fieldValidation);
    if (obj.metadata!.name !== name) {
      throw badRequest(
        `the name of the object (${
          obj.metadata!.name
        }) does not match the name on the URL (${name})`,
      );
    }
    if (obj.metadata!.resourceVersion !== live.metadata?.resourceVersion) {
      throw conflict(gr(type), name);
    }
    obj.metadata!.managedFields = live.metadata?.managedFields;
    const updated = this.commit(ctx, type, live, obj, { requestName: name });
    return {
      code: 200,
      body: updated,
      warnings: [...warnings, ...(ctx.warnings ?? [])],
    };
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
    let applied: unknown;
    try {
      applied = parseYaml(rawBody);
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
    if (!isObject(applied))
      throw badRequest('the apply configuration must be an object');
    if (
      applied.apiVersion !== apiVersionOf(type) ||
      applied.kind !== type.kind
    ) {
      throw badRequest(
        `apply configuration apiVersion/kind (${String(
          applied.apiVersion,
        )}/${String(applied.kind)}) does not match ${apiVersionOf(type)}/${
          type.kind
        }`,
      );
    }
    const config = this.decodeBody(type, applied, namespace);
    const undeclared = pruneUnknownFields(type.kind, config);
    if (undeclared.length > 0) {
      // Apply configurations are typed against the schema; unknown fields are an error.
      throw badRequest(
        `failed to create typed patch object (${
          namespace ?? ''
        }/${name}; ${apiVersionOf(type)}, Kind=${type.kind}): ${undeclared
          .map(p => `.${p}`)
          .join(', ')}: field not declared in schema`,
      );
    }
    const cmeta = config.metadata!;
    if (cmeta.name !== undefined && cmeta.name !== name) {
      throw badRequest(
        `the name of the object (${cmeta.name}) does not match the name on the URL (${name})`,
      );
    }
    if (
      cmeta.resourceVersion &&
      live &&
      cmeta.resourceVersion !== live.metadata?.resourceVersion
    ) {
      throw conflict(gr(type), name);
    }
    if (!live && type.namespaced)
      this.requireLiveNamespace(type, namespace ?? '', name);
    const merged = serverSideApply({
      live,
      applied: config,
      manager: ctx.fieldManager,
      force,
      apiVersion: apiVersionOf(type),
      gr: gr(type),
      now: nowTimestamp(),
    });
    merged.metadata = { ...merged.metadata, name };
    if (type.namespaced) merged.metadata.namespace = namespace;
    if (!live) {
      delete merged.metadata.uid;
      delete merged.metadata.resourceVersion;
      const body = this.commit(ctx, type, undefined, merged, {
        applied: true,
        requestName: name,
      });
      return { code: 201, body, warnings: ctx.warnings };
    }
    const body = this.commit(ctx, type, live, merged, {
      applied: true,
      requestName: name,
    });
    return { code: 200, body, warnings: ctx.warnings };
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
    if (type === namespacesType) return this.deleteNamespace(ctx, live);
    this.admit(ctx, { operation: 'DELETE', type, oldObject: live });
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

  /**
   * Namespace deletion goes through `Terminating` like the real namespace controller: the
   * namespace gets a deletionTimestamp and refuses new content, then its contents and itself
   * are removed after `namespaceTerminationMs` (0 = before the DELETE returns).
   */
  private deleteNamespace(ctx: WriteContext, live: KubeObject): WriteResult {
    const name = live.metadata!.name!;
    if (undeletableNamespaces.has(name)) {
      throw forbiddenResource(
        gr(namespacesType),
        name,
        'this namespace may not be deleted',
      );
    }
    this.admit(ctx, {
      operation: 'DELETE',
      type: namespacesType,
      oldObject: live,
    });
    if (live.metadata?.deletionTimestamp) {
      // A second DELETE while the namespace controller still has work to do.
      throw conflict(
        gr(namespacesType),
        name,
        'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
      );
    }
    const terminating = structuredClone(live);
    terminating.metadata!.deletionTimestamp = nowTimestamp();
    terminating.status = { phase: 'Terminating' };
    if (ctx.dryRun) return { code: 200, body: terminating };
    terminating.metadata!.resourceVersion = this.store.nextResourceVersion();
    const finalize = () => {
      this.store.removeNamespaceContents(resourceTypes, name);
      this.store.remove(namespacesType, undefined, name);
    };
    if (this.options.namespaceTerminationMs <= 0) {
      finalize();
    } else {
      this.store.put(namespacesType, terminating);
      const timer = setTimeout(() => {
        this.pendingTerminations.delete(timer);
        finalize();
      }, this.options.namespaceTerminationMs);
      this.pendingTerminations.add(timer);
    }
    return { code: 200, body: terminating };
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

  /**
   * The ClusterRole aggregation controller, run synchronously after every ClusterRole write:
   * a role with an aggregationRule gets the union of the rules of every role its selectors match.
   */
  aggregateClusterRoles(): void {
    // Aggregated roles may feed each other (view → edit → admin), so iterate to a fixpoint.
    for (let pass = 0; pass < 5; pass++) {
      let changed = false;
      const roles = this.store.list(clusterRolesType);
      for (const role of roles) {
        const rule = role.aggregationRule as
          | { clusterRoleSelectors?: LabelSelectorObject[] }
          | undefined;
        if (!rule?.clusterRoleSelectors) continue;
        const rules: unknown[] = [];
        for (const selector of rule.clusterRoleSelectors) {
          const reqs = requirementsFromSelector(selector);
          if (reqs.length === 0) continue;
          for (const other of roles) {
            if (other.metadata?.name === role.metadata?.name) continue;
            if (!matchesLabels(reqs, other.metadata?.labels)) continue;
            const current = this.store.get(
              clusterRolesType,
              undefined,
              other.metadata!.name!,
            )!;
            for (const r of (current.rules as unknown[]) ?? []) {
              if (!rules.some(x => deepEqual(x, r))) rules.push(r);
            }
          }
        }
        const live = this.store.get(
          clusterRolesType,
          undefined,
          role.metadata!.name!,
        )!;
        if (!deepEqual(live.rules ?? [], rules)) {
          live.rules = rules;
          live.metadata!.resourceVersion = this.store.nextResourceVersion();
          this.store.put(clusterRolesType, live);
          changed = true;
        }
      }
      if (!changed) return;
    }
  }

  /** Stores an object as-is apart from server metadata, bypassing admission (bootstrap, tests). */
  seed(type: ResourceType, obj: KubeObject): KubeObject {
    const live = this.store.get(
      type,
      obj.metadata?.namespace,
      obj.metadata!.name!,
    );
    const ctx: WriteContext = {
      user: { username: 'system:apiserver', groups: ['system:masters'] },
      fieldManager: 'kube-apiserver',
      fieldValidation: 'Ignore',
      dryRun: false,
      internal: true,
    };
    const copy = this.decodeBody(type, obj, obj.metadata?.namespace);
    pruneUnknownFields(type.kind, copy);
    if (live) {
      copy.metadata!.resourceVersion = live.metadata?.resourceVersion;
      copy.metadata!.managedFields = live.metadata?.managedFields;
      return this.commit(ctx, type, live, copy);
    }
    if (type.namespaced) {
      this.requireLiveNamespace(
        type,
        copy.metadata?.namespace ?? '',
        copy.metadata?.name ?? '',
      );
    }
    return this.commit(ctx, type, undefined, copy);
  }
}
