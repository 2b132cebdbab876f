/*
 * The write path every create, update, patch, apply and seed goes through, in the order of
 * kube-apiserver's generic registry: defaulting, server-owned metadata, mutating admission,
 * RBAC escalation checks, validation, the validating admission plugins (LimitRanger, Pod
 * Security, ValidatingAdmissionPolicy, ResourceQuota), field management, generation, storage,
 * and the controllers the peer runs synchronously after a write.
 */
import { randomUUID } from 'node:crypto';
import { Admission } from './admission';
import { AdmissionAttributes, admitByPolicies } from './admissionPolicy';
import { aggregateClusterRoles, clusterRolesType } from './aggregation';
import type { UserInfo } from './auth';
import { applyDefaults } from './defaults';
import { NamespaceLifecycle, namespacesType } from './namespaceLifecycle';
import { decodeBody, nowTimestamp, sameContent, specPart } from './objects';
import { quotaStatus } from './quota';
import type { RbacAdmission } from './rbacAdmission';
import {
  apiVersionOf,
  KubeObject,
  ResourceType,
  resourceTypes,
} from './resources';
import { FieldValidation, handleUnknownFields } from './schema';
import { deepEqual, trackUpdate } from './ssa';
import type { ObjectStore } from './store';
import { validateObject, validateUpdate } from './validation';

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
const serviceAccountsType = typeOf('', 'serviceaccounts');
const policiesType = typeOf(
  'admissionregistration.k8s.io',
  'validatingadmissionpolicies',
);
const policyBindingsType = typeOf(
  'admissionregistration.k8s.io',
  'validatingadmissionpolicybindings',
);

/** Options of the shared write path. */
export interface CommitOptions {
  /** Server-side apply computed managedFields already. */
  applied?: boolean;
  /** The object's name in the request URL (none for a POST). */
  requestName?: string;
}

/** Server-owned metadata survives any client write. */
function keepServerOwned(
  type: ResourceType,
  oldObj: KubeObject,
  obj: KubeObject,
): void {
  const old = oldObj.metadata!;
  const meta = obj.metadata!;
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
  if (type.subresources?.includes('status')) obj.status = oldObj.status;
  if (type.kind === 'Namespace') obj.spec = oldObj.spec;
}

function initializeNew(type: ResourceType, obj: KubeObject): void {
  const meta = obj.metadata!;
  meta.uid = randomUUID();
  meta.creationTimestamp = nowTimestamp();
  meta.generation = 1;
  if (type.kind === 'Namespace') {
    obj.spec = { finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
  }
}

/** How an object is served: computed status filled in. */
export function present(
  store: ObjectStore,
  type: ResourceType,
  obj: KubeObject,
): KubeObject {
  if (type.kind === 'ResourceQuota') {
    obj.status = quotaStatus(obj, store);
  }
  return obj;
}

export class WritePath {
  constructor(
    private readonly store: ObjectStore,
    private readonly admission: Admission,
    private readonly rbac: RbacAdmission,
    private readonly namespaces: NamespaceLifecycle,
  ) {}

  private present(type: ResourceType, obj: KubeObject): KubeObject {
    return present(this.store, type, obj);
  }

  /** The validating admission plugins that act on policies: ValidatingAdmissionPolicy. */
  admit(
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
      // Read only (CEL sees converted copies): the stored objects, not copies of them.
      policies: this.store.view(policiesType),
      bindings: this.store.view(policyBindingsType),
      namespaceObject:
        a.type.namespaced && namespace
          ? this.store.peek(namespacesType, undefined, namespace)
          : undefined,
    });
  }

  /**
   * Mutating admission, RBAC escalation checks, validation, then the validating plugins in
   * kube-apiserver's order. Escalation comes before validation as in the rbac policybased
   * storages: their `Create` checks before calling the standard store (whose `BeforeCreate`
   * validates), and their `Update` wraps the updated object, which the store computes
   * before `BeforeUpdate` validates it.
   */
  private admitWrite(
    ctx: WriteContext,
    type: ResourceType,
    oldObj: KubeObject | undefined,
    obj: KubeObject,
    options: CommitOptions,
  ): void {
    const admission = { plugins: !ctx.internal, dryRun: ctx.dryRun };
    this.admission.mutate(type, obj, oldObj, admission);
    this.rbac.admit(ctx, type, oldObj, obj, options.requestName);
    if (oldObj) validateUpdate(oldObj, obj, type);
    validateObject(obj, type);
    if (!oldObj && options.applied) {
      const meta = obj.metadata!;
      this.rbac.authorizeCreateOnApply(
        ctx,
        type,
        meta.namespace,
        meta.name ?? '',
      );
    }
    // Validating plugins in kube-apiserver's order: LimitRanger and
    // PodSecurity, then ValidatingAdmissionPolicy, ResourceQuota last.
    ctx.warnings?.push(
      ...this.admission.validate(type, obj, oldObj, admission),
    );
    this.admit(ctx, {
      operation: oldObj ? 'UPDATE' : 'CREATE',
      type,
      object: obj,
      oldObject: oldObj,
    });
    this.admission.quota(type, obj, oldObj, admission);
  }

  /**
   * The shared write path. `managedFields` are tracked as an Update by `ctx.fieldManager`
   * unless `applied` is set (server-side apply computed them already).
   */
  commit(
    ctx: WriteContext,
    type: ResourceType,
    oldObj: KubeObject | undefined,
    obj: KubeObject,
    options: CommitOptions = {},
  ): KubeObject {
    applyDefaults(type, obj);
    const meta = obj.metadata!;
    if (oldObj) keepServerOwned(type, oldObj, obj);
    this.admitWrite(ctx, type, oldObj, obj, options);
    if (!options.applied) {
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
      initializeNew(type, obj);
    }
    if (ctx.dryRun) {
      meta.resourceVersion = oldObj?.metadata?.resourceVersion;
      return this.present(type, obj);
    }
    meta.resourceVersion = this.store.nextResourceVersion();
    this.store.put(type, obj);
    if (type === clusterRolesType) aggregateClusterRoles(this.store);
    if (type === namespacesType && !oldObj) {
      // The service account controller gives every new namespace its `default` account.
      this.seed(serviceAccountsType, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace: meta.name },
      });
    }
    // The store keeps its own copy of `obj`: it can be answered as is, unless aggregation
    // has just rewritten the stored ClusterRole.
    return this.present(
      type,
      type === clusterRolesType
        ? this.store.get(type, meta.namespace, meta.name!)!
        : obj,
    );
  }

  /**
   * Stores an object as-is apart from server metadata, bypassing admission
   * (bootstrap, tests, benchmarks). Fields the kind does not declare are
   * refused as `fieldValidation=Strict` refuses them: silently dropping them
   * (what the API does with `Ignore`) let a benchmark seed objects in
   * client-node's model form (`_default`, `_from`) that lost their limits
   * and peers without anyone noticing.
   */
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
    const copy = decodeBody(type, obj, obj.metadata?.namespace);
    handleUnknownFields(type.kind, copy, 'Strict');
    if (live) {
      copy.metadata!.resourceVersion = live.metadata?.resourceVersion;
      copy.metadata!.managedFields = live.metadata?.managedFields;
      return this.commit(ctx, type, live, copy);
    }
    if (type.namespaced) {
      this.namespaces.requireLive(
        type,
        copy.metadata?.namespace ?? '',
        copy.metadata?.name ?? '',
      );
    }
    return this.commit(ctx, type, undefined, copy);
  }
}
