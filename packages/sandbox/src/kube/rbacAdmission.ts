/*
 * The authorization kube-apiserver does inside a write of a role or binding, and for a
 * server-side apply that creates: pkg/registry/rbac/{role,clusterrole,rolebinding,
 * clusterrolebinding}/policybased and `withAuthorization` in the patch handler. Every decision
 * is recorded in the authorization log.
 */
import type { WriteContext } from './api';
import { AuthorizationLog } from './audit';
import { forbiddenResource, GroupResource } from './errors';
import {
  BindingLike,
  confirmNoEscalation,
  escalationAllowed,
  PolicyRule,
  RbacAuthorizer,
} from './rbac';
import { KubeObject, ResourceType, resourceTypes } from './resources';
import { deepEqual } from './ssa';

const typeOf = (group: string, resource: string) =>
  resourceTypes.find(t => t.group === group && t.resource === resource)!;
const clusterRolesType = typeOf('rbac.authorization.k8s.io', 'clusterroles');
const rolesType = typeOf('rbac.authorization.k8s.io', 'roles');
const roleBindingsType = typeOf('rbac.authorization.k8s.io', 'rolebindings');
const clusterRoleBindingsType = typeOf(
  'rbac.authorization.k8s.io',
  'clusterrolebindings',
);

function gr(type: ResourceType): GroupResource {
  return { group: type.group, resource: type.resource };
}

/**
 * `IsOnlyMutatingGCFields`: the update changes nothing but ownerReferences and finalizers
 * (bookkeeping the server rewrites itself, resourceVersion and managedFields, is ignored).
 */
function onlyMutatesGcFields(oldObj: KubeObject, obj: KubeObject): boolean {
  const strip = (o: KubeObject, from: KubeObject) => {
    const c = structuredClone(o);
    const meta: Record<string, unknown> = c.metadata ?? {};
    for (const f of ['ownerReferences', 'finalizers'] as const) {
      if (from.metadata?.[f] === undefined) delete meta[f];
      else meta[f] = from.metadata[f];
    }
    delete meta.resourceVersion;
    delete meta.managedFields;
    delete meta.generation;
    c.metadata = meta;
    return c;
  };
  return deepEqual(strip(obj, oldObj), strip(oldObj, oldObj));
}

/** RBAC's part of admitting a write. */
export class RbacAdmission {
  constructor(
    private readonly authorizer: RbacAuthorizer,
    private readonly log: AuthorizationLog,
  ) {}

  /**
   * RBAC's escalation prevention for writes of roles and bindings, as
   * pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased do it: on
   * create and on every update except one that only touches what the garbage collector changes
   * (`IsOnlyMutatingGCFields`), the writer needs `escalate` (roles) or `bind` (the referenced
   * role), or must already hold every permission granted. `requestName` is the name in the URL
   * (none for a POST), which is what the `escalate` check sees.
   */
  admit(
    ctx: WriteContext,
    type: ResourceType,
    oldObj: KubeObject | undefined,
    obj: KubeObject,
    requestName: string | undefined,
  ): void {
    const isRole = type === rolesType || type === clusterRolesType;
    const isBinding =
      type === roleBindingsType || type === clusterRoleBindingsType;
    if (!isRole && !isBinding) return;
    if (escalationAllowed(ctx.user)) return;
    if (oldObj && onlyMutatesGcFields(oldObj, obj)) return;
    const name = obj.metadata?.name ?? '';
    const namespace = type.namespaced ? obj.metadata?.namespace ?? '' : '';
    if (isRole) {
      const escalate = this.authorizeFor(ctx, 'escalate', {
        apiGroup: type.group,
        resource: type.resource,
        namespace,
        name: requestName,
      });
      if (escalate) return;
      let rules = (obj.rules ?? []) as PolicyRule[];
      if (type === clusterRolesType && obj.aggregationRule) {
        // Aggregated roles can pull in any permission, so they need full authority.
        rules = [
          { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
          { nonResourceURLs: ['*'], verbs: ['*'] },
        ];
      }
      this.confirmNoEscalation(ctx, namespace, rules, type, name);
      return;
    }
    const roleRef = (obj as unknown as BindingLike).roleRef;
    const bind = this.authorizeFor(ctx, 'bind', {
      apiGroup: 'rbac.authorization.k8s.io',
      resource: roleRef.kind === 'ClusterRole' ? 'clusterroles' : 'roles',
      namespace,
      name: roleRef.name,
    });
    if (bind) return;
    const rules = this.authorizer.getRoleReferenceRules(roleRef, namespace);
    this.confirmNoEscalation(ctx, namespace, rules, type, name);
  }

  /** One escalation-time authorization (`escalate`, `bind`), recorded in the log. */
  private authorizeFor(
    ctx: WriteContext,
    verb: 'escalate' | 'bind',
    attrs: {
      apiGroup: string;
      resource: string;
      namespace: string;
      name?: string;
    },
  ): boolean {
    const request = {
      user: ctx.user,
      verb,
      isResourceRequest: true,
      ...attrs,
    };
    const { allowed } = this.authorizer.authorize(request);
    this.log.decision(verb, request, allowed);
    return allowed;
  }

  private confirmNoEscalation(
    ctx: WriteContext,
    namespace: string,
    rules: PolicyRule[],
    type: ResourceType,
    name: string,
  ): void {
    try {
      confirmNoEscalation({
        authorizer: this.authorizer,
        user: ctx.user,
        namespace,
        rules,
        gr: gr(type),
        name,
      });
    } catch (e) {
      this.log.coverage(ctx.user, namespace, rules, false);
      throw e;
    }
    this.log.coverage(ctx.user, namespace, rules, true);
  }

  /**
   * A server-side apply that creates the object also needs `create` (kube-apiserver's
   * `withAuthorization` around the create validation of a patch), refused with the
   * authorizer's (empty) reason.
   */
  authorizeCreateOnApply(
    ctx: WriteContext,
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): void {
    const attrs = {
      user: ctx.user,
      verb: 'create',
      isResourceRequest: true,
      apiGroup: type.group,
      resource: type.resource,
      namespace: namespace ?? '',
      name,
    };
    const decision = this.authorizer.authorize(attrs);
    this.log.decision('create-on-apply', attrs, decision.allowed);
    if (!decision.allowed)
      throw forbiddenResource(gr(type), name, decision.reason);
  }
}
