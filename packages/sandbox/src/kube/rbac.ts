/*
 * Kubernetes RBAC, following k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac and
 * pkg/registry/rbac/validation: rule matching, subject matching, the rule resolver used by
 * escalation checks, and Covers/BreakdownRule/CompactRules for the "attempting to grant RBAC
 * permissions not currently held" refusal.
 */
import { UserInfo } from './auth';
import { forbiddenResource, GroupResource, notFound } from './errors';

/** An `rbacv1.PolicyRule`. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** An `rbacv1.Subject`. */
export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** An `rbacv1.RoleRef`. */
export interface RoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

/** What a request asks to do, like `authorizer.Attributes`. */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

/** Read access to the stored RBAC objects. */
export interface RbacSource {
  getClusterRole(name: string): { rules?: PolicyRule[] } | undefined;
  getRole(
    namespace: string,
    name: string,
  ): { rules?: PolicyRule[] } | undefined;
  listClusterRoleBindings(): BindingLike[];
  listRoleBindings(namespace: string): BindingLike[];
}

/** The fields of a RoleBinding/ClusterRoleBinding the authorizer reads. */
export interface BindingLike {
  metadata?: { name?: string; namespace?: string };
  roleRef: RoleRef;
  subjects?: Subject[];
}

/** An authorization decision with kube-apiserver's reason text. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

const rbacGroup = 'rbac.authorization.k8s.io';

function has(set: string[] | undefined, v: string): boolean {
  return !!set && set.includes(v);
}

function verbMatches(rule: PolicyRule, verb: string): boolean {
  return has(rule.verbs, '*') || has(rule.verbs, verb);
}

function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return has(rule.apiGroups, '*') || has(rule.apiGroups, group);
}

function resourceMatches(
  rule: PolicyRule,
  combined: string,
  subresource: string,
): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (!subresource) continue;
    if (
      r.length === subresource.length + 2 &&
      r.startsWith('*/') &&
      r.endsWith(subresource)
    ) {
      return true;
    }
  }
  return false;
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (!rule.resourceNames?.length) return true;
  return rule.resourceNames.includes(name);
}

function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** `RuleAllows`: does one rule allow the request? */
export function ruleAllows(
  attrs: RequestAttributes,
  rule: PolicyRule,
): boolean {
  if (attrs.isResourceRequest) {
    const combined = attrs.subresource
      ? `${attrs.resource}/${attrs.subresource}`
      : attrs.resource ?? '';
    return (
      verbMatches(rule, attrs.verb) &&
      apiGroupMatches(rule, attrs.apiGroup ?? '') &&
      resourceMatches(rule, combined, attrs.subresource ?? '') &&
      resourceNameMatches(rule, attrs.name ?? '')
    );
  }
  return (
    verbMatches(rule, attrs.verb) &&
    nonResourceURLMatches(rule, attrs.path ?? '')
  );
}

function appliesTo(
  user: UserInfo,
  subject: Subject,
  namespace: string,
): string | undefined {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name
        ? `User "${subject.name}"`
        : undefined;
    case 'Group':
      return user.groups.includes(subject.name)
        ? `Group "${subject.name}"`
        : undefined;
    case 'ServiceAccount': {
      const ns = subject.namespace || namespace;
      if (!ns) return undefined;
      return user.username === `system:serviceaccount:${ns}:${subject.name}`
        ? `ServiceAccount "${subject.name}/${ns}"`
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The RBAC authorizer and rule resolver over stored Roles, ClusterRoles and bindings.
 * Missing referenced roles are skipped, as in kube-apiserver.
 */
export class RbacAuthorizer {
  constructor(private readonly source: RbacSource) {}

  /** Rules of the role a binding refers to; 404 if it does not exist. */
  getRoleReferenceRules(
    roleRef: RoleRef,
    bindingNamespace: string,
  ): PolicyRule[] {
    if (roleRef.kind === 'ClusterRole') {
      const role = this.source.getClusterRole(roleRef.name);
      if (!role)
        throw notFound(
          { group: rbacGroup, resource: 'clusterroles' },
          roleRef.name,
        );
      return role.rules ?? [];
    }
    if (roleRef.kind === 'Role') {
      const role = this.source.getRole(bindingNamespace, roleRef.name);
      if (!role)
        throw notFound({ group: rbacGroup, resource: 'roles' }, roleRef.name);
      return role.rules ?? [];
    }
    return [];
  }

  private *applicableRules(
    user: UserInfo,
    namespace: string,
  ): Generator<{ rule: PolicyRule; source: string }> {
    for (const b of this.source.listClusterRoleBindings()) {
      const who = (b.subjects ?? [])
        .map(s => appliesTo(user, s, ''))
        .find(Boolean);
      if (!who) continue;
      const role =
        b.roleRef.kind === 'ClusterRole'
          ? this.source.getClusterRole(b.roleRef.name)
          : undefined;
      for (const rule of role?.rules ?? []) {
        yield {
          rule,
          source: `ClusterRoleBinding "${b.metadata?.name}" of ClusterRole "${b.roleRef.name}" to ${who}`,
        };
      }
    }
    if (!namespace) return;
    for (const b of this.source.listRoleBindings(namespace)) {
      const who = (b.subjects ?? [])
        .map(s => appliesTo(user, s, namespace))
        .find(Boolean);
      if (!who) continue;
      const role =
        b.roleRef.kind === 'ClusterRole'
          ? this.source.getClusterRole(b.roleRef.name)
          : this.source.getRole(namespace, b.roleRef.name);
      for (const rule of role?.rules ?? []) {
        yield {
          rule,
          source: `RoleBinding "${b.metadata?.name}/${namespace}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${who}`,
        };
      }
    }
  }

  /** Authorizes a request; the reason matches kube-apiserver's RBAC reason when allowed. */
  authorize(attrs: RequestAttributes): Decision {
    const namespace = attrs.isResourceRequest ? attrs.namespace ?? '' : '';
    for (const { rule, source } of this.applicableRules(
      attrs.user,
      namespace,
    )) {
      if (ruleAllows(attrs, rule)) {
        return { allowed: true, reason: `RBAC: allowed by ${source}` };
      }
    }
    return { allowed: false, reason: '' };
  }

  /** Every rule that applies to `user` in `namespace` (cluster-wide ones included). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    return [...this.applicableRules(user, namespace)].map(r => r.rule);
  }
}

/** kube-apiserver's text for a denied request. */
export function forbiddenMessage(
  attrs: RequestAttributes,
  reason = '',
): string {
  const who = `User "${attrs.user.username}"`;
  let msg: string;
  if (!attrs.isResourceRequest) {
    msg = `forbidden: ${who} cannot ${attrs.verb} path "${attrs.path}"`;
  } else {
    const resource = attrs.subresource
      ? `${attrs.resource}/${attrs.subresource}`
      : attrs.resource ?? '';
    const gr = attrs.apiGroup
      ? `${attrs.resource}.${attrs.apiGroup}`
      : attrs.resource ?? '';
    const subject = attrs.name ? `${gr} "${attrs.name}"` : gr;
    const scope = attrs.namespace
      ? `in the namespace "${attrs.namespace}"`
      : 'at the cluster scope';
    msg = `${subject} is forbidden: ${who} cannot ${
      attrs.verb
    } resource "${resource}" in API group "${attrs.apiGroup ?? ''}" ${scope}`;
  }
  return reason ? `${msg}: ${reason}` : msg;
}

// ---- escalation checks (pkg/registry/rbac/validation) ----

function hasAll(
  set: string[] | undefined,
  contains: string[] | undefined,
): boolean {
  return (contains ?? []).every(c => has(set, c));
}

function resourceCoversAll(
  set: string[] | undefined,
  covers: string[] | undefined,
): boolean {
  if (has(set, '*') || hasAll(set, covers)) return true;
  for (const path of covers ?? []) {
    if (has(set, path)) continue;
    if (!path.includes('/')) return false;
    const sub = path.slice(path.indexOf('/') + 1);
    if (!has(set, `*/${sub}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, sub: string): boolean {
  if (owner === sub) return true;
  return owner.endsWith('*') && sub.startsWith(owner.replace(/\*+$/, ''));
}

function nonResourceURLsCoversAll(
  set: string[] | undefined,
  covers: string[] | undefined,
): boolean {
  return (covers ?? []).every(path =>
    (set ?? []).some(owner => nonResourceURLCovers(owner, path)),
  );
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbMatchesAll =
    has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groupMatches =
    has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resourceMatch = resourceCoversAll(owner.resources, sub.resources);
  const nonResourceMatch = nonResourceURLsCoversAll(
    owner.nonResourceURLs,
    sub.nonResourceURLs,
  );
  let resourceNameMatch: boolean;
  if (!sub.resourceNames?.length)
    resourceNameMatch = !owner.resourceNames?.length;
  else
    resourceNameMatch =
      !owner.resourceNames?.length ||
      hasAll(owner.resourceNames, sub.resourceNames);
  return (
    verbMatchesAll &&
    groupMatches &&
    resourceMatch &&
    resourceNameMatch &&
    nonResourceMatch
  );
}

/** `BreakdownRule`: one rule per (group, resource, verb[, name]) and per (url, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        if (rule.resourceNames?.length) {
          for (const name of rule.resourceNames) {
            out.push({
              apiGroups: [group],
              resources: [resource],
              verbs: [verb],
              resourceNames: [name],
            });
          }
        } else {
          out.push({
            apiGroups: [group],
            resources: [resource],
            verbs: [verb],
          });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of rule.verbs ?? [])
      out.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return out;
}

/** `Covers`: do `owner` rules cover every atomic permission in `servant`? Returns what is missing. */
export function coversRules(
  owner: PolicyRule[],
  servant: PolicyRule[],
): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const rule of servant) {
    for (const sub of breakdownRule(rule)) {
      if (!owner.some(o => ruleCovers(o, sub))) missing.push(sub);
    }
  }
  return { covered: missing.length === 0, missing };
}

/** `CompactRules`: merges simple single-group/single-resource rules, joining their verbs. */
export function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple =
      r.apiGroups?.length === 1 &&
      r.resources?.length === 1 &&
      !r.resourceNames?.length &&
      !r.nonResourceURLs?.length;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = `${r.apiGroups![0]}\u0000${r.resources![0]}`;
    const existing = simple.get(key);
    if (existing) {
      for (const v of r.verbs)
        if (!existing.verbs.includes(v)) existing.verbs.push(v);
    } else {
      const copy = {
        apiGroups: [...r.apiGroups!],
        resources: [...r.resources!],
        verbs: [...r.verbs],
      };
      simple.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}

const goQuoteList = (xs: string[]) =>
  `[${xs.map(x => JSON.stringify(x)).join(' ')}]`;

/** `rbacv1helpers.CompactString`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length)
    parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length)
    parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** True for identities kube-apiserver lets escalate unconditionally (`EscalationAllowed`). */
export function escalationAllowed(user: UserInfo): boolean {
  return user.groups.includes('system:masters');
}

/**
 * `ConfirmNoEscalation`: throws 403 unless the user's own rules in `namespace` cover `rules`.
 * The message is kube-apiserver's, sorted like its `sets.String.List()`.
 */
export function confirmNoEscalation(options: {
  authorizer: RbacAuthorizer;
  user: UserInfo;
  namespace: string;
  rules: PolicyRule[];
  gr: GroupResource;
  name: string;
}): void {
  const owner = options.authorizer.rulesFor(options.user, options.namespace);
  const result = coversRules(owner, options.rules);
  if (result.covered) return;
  const descriptions = [
    ...new Set(compactRules(result.missing).map(compactString)),
  ].sort();
  const why = `user ${JSON.stringify(
    options.user.username,
  )} (groups=${goQuoteList(
    options.user.groups,
  )}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join(
    '\n',
  )}`;
  throw forbiddenResource(options.gr, options.name, why);
}
