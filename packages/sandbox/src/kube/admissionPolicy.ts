/*
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA in Kubernetes 1.30), after
 * staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating: a policy matches by
 * matchConstraints (resourceRules, excludeResourceRules, namespaceSelector, objectSelector) and
 * matchConditions; each binding to it (optionally narrowed by matchResources) evaluates the
 * policy's variables and validations with `object`, `oldObject`, `request` and
 * `namespaceObject`, and with `validationActions: [Deny]` the first failure refuses the request
 * with kube-apiserver's message, 422 Invalid unless the validation names another reason.
 * CEL is evaluated by @marcbachmann/cel-js. Not supported here (refused when a policy or binding
 * is written): paramKind/paramRef, auditAnnotations, and the Warn and Audit actions.
 */
import { Environment, ParseError } from '@marcbachmann/cel-js';
import { UserInfo } from './auth';
import { FieldError, KubeStatusError, qualifiedResource } from './errors';
import { KubeObject, ResourceType } from './resources';
import {
  LabelSelectorObject,
  matchesLabels,
  requirementsFromSelector,
} from './selectors';

/** What an admission plugin sees of one write, like `admission.Attributes`. */
export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  type: ResourceType;
  /** The namespace of a namespaced object, or the name of a Namespace itself. */
  namespace: string;
  name: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
}

interface RuleWithOperations {
  apiGroups?: string[];
  apiVersions?: string[];
  operations?: string[];
  resources?: string[];
  resourceNames?: string[];
  scope?: string;
}

interface MatchResources {
  namespaceSelector?: LabelSelectorObject;
  objectSelector?: LabelSelectorObject;
  resourceRules?: RuleWithOperations[];
  excludeResourceRules?: RuleWithOperations[];
}

interface NamedExpression {
  name: string;
  expression: string;
}

interface Validation {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}

const env = new Environment({
  unlistedVariablesAreDyn: true,
  enableOptionalTypes: true,
  homogeneousAggregateLiterals: false,
});

type Program = ReturnType<Environment['parse']>;
const programs = new Map<string, Program>();

/** Parses once per distinct expression: policies are evaluated on every write. */
function program(expression: string): Program {
  let p = programs.get(expression);
  if (!p) {
    p = env.parse(expression);
    programs.set(expression, p);
  }
  return p;
}

/** Compiles a CEL expression, or returns the compiler's complaint. */
export function compileProblem(expression: string): string | undefined {
  try {
    env.parse(expression);
    return undefined;
  } catch (e) {
    const message = e instanceof ParseError ? e.message : String(e);
    return `compilation failed: ${message.split('\n')[0]}`;
  }
}

/** Field errors for what this peer cannot evaluate, reported when the object is written. */
export function unsupportedPolicyFields(obj: KubeObject): FieldError[] {
  const spec = (obj.spec ?? {}) as Record<string, any>;
  const errors: FieldError[] = [];
  const unsupported = (field: string) =>
    errors.push({
      field,
      type: 'FieldValueForbidden',
      detail: 'not supported by this Kubernetes API peer',
    });
  if (obj.kind === 'ValidatingAdmissionPolicy') {
    if (spec.paramKind) unsupported('spec.paramKind');
    if (spec.auditAnnotations?.length) unsupported('spec.auditAnnotations');
    const expressions: Array<[string, string | undefined]> = [
      ...(spec.validations ?? []).flatMap((v: Validation, i: number) => [
        [`spec.validations[${i}].expression`, v.expression],
        [`spec.validations[${i}].messageExpression`, v.messageExpression],
      ]),
      ...(spec.matchConditions ?? []).map((c: NamedExpression, i: number) => [
        `spec.matchConditions[${i}].expression`,
        c.expression,
      ]),
      ...(spec.variables ?? []).map((c: NamedExpression, i: number) => [
        `spec.variables[${i}].expression`,
        c.expression,
      ]),
    ];
    for (const [field, expression] of expressions) {
      if (expression === undefined) continue;
      const problem = compileProblem(expression);
      if (problem)
        errors.push({
          field,
          type: 'FieldValueInvalid',
          detail: `${JSON.stringify(expression)}: ${problem}`,
        });
    }
  } else {
    if (spec.paramRef) unsupported('spec.paramRef');
    for (const action of spec.validationActions ?? []) {
      if (action !== 'Deny') unsupported('spec.validationActions');
    }
  }
  return errors;
}

function ruleMatches(
  rule: RuleWithOperations,
  a: AdmissionAttributes,
): boolean {
  const any = (list: string[] | undefined, value: string) =>
    !!list && (list.includes('*') || list.includes(value));
  if (!any(rule.operations, a.operation)) return false;
  if (!any(rule.apiGroups, a.type.group)) return false;
  if (!any(rule.apiVersions, a.type.version)) return false;
  // No subresources are written through this peer, so `*` and the plain name match.
  if (!any(rule.resources, a.type.resource)) return false;
  if (rule.resourceNames?.length && !rule.resourceNames.includes(a.name))
    return false;
  const isNamespace = a.type.group === '' && a.type.resource === 'namespaces';
  switch (rule.scope ?? '*') {
    case 'Namespaced':
      return !isNamespace && a.type.namespaced;
    case 'Cluster':
      return isNamespace || !a.type.namespaced;
    default:
      return true;
  }
}

function selectorMatches(
  selector: LabelSelectorObject | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return true;
  return matchesLabels(requirementsFromSelector(selector), labels);
}

/** `Matcher.Matches` for matchConstraints or a binding's matchResources. */
function resourcesMatch(
  m: MatchResources | undefined,
  a: AdmissionAttributes,
  namespaceObject: KubeObject | undefined,
): boolean {
  if (!m) return true;
  const isNamespace = a.type.group === '' && a.type.resource === 'namespaces';
  if (a.type.namespaced || isNamespace) {
    const labels = isNamespace
      ? (a.object ?? a.oldObject)?.metadata?.labels
      : namespaceObject?.metadata?.labels;
    if (!selectorMatches(m.namespaceSelector, labels)) return false;
  }
  if (
    m.objectSelector &&
    !selectorMatches(m.objectSelector, a.object?.metadata?.labels) &&
    !selectorMatches(m.objectSelector, a.oldObject?.metadata?.labels)
  ) {
    return false;
  }
  if (m.resourceRules && !m.resourceRules.some(r => ruleMatches(r, a)))
    return false;
  return !(m.excludeResourceRules ?? []).some(r => ruleMatches(r, a));
}

/** `cel.CreateNamespaceObject`: what a policy may see of the request's namespace. */
function namespaceView(ns: KubeObject | undefined): KubeObject | null {
  if (!ns) return null;
  const meta = ns.metadata ?? {};
  const keep = [
    'name',
    'generateName',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'labels',
    'annotations',
  ] as const;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: Object.fromEntries(
      keep.filter(k => meta[k] !== undefined).map(k => [k, meta[k]]),
    ),
    spec: ns.spec,
    status: ns.status,
  };
}

/** `cel.CreateAdmissionRequest`, as the `request` variable. */
function admissionRequest(a: AdmissionAttributes): Record<string, unknown> {
  const gvr = {
    group: a.type.group,
    version: a.type.version,
    resource: a.type.resource,
  };
  const gvk = {
    group: a.type.group,
    version: a.type.version,
    kind: a.type.kind,
  };
  return {
    kind: gvk,
    resource: gvr,
    requestKind: gvk,
    requestResource: gvr,
    name: a.name,
    namespace: a.namespace,
    operation: a.operation,
    userInfo: {
      username: a.user.username,
      groups: a.user.groups,
      ...(a.user.uid ? { uid: a.user.uid } : {}),
    },
    dryRun: a.dryRun,
  };
}

/** JSON numbers are CEL ints when whole, as kube's unstructured decoding makes them. */
function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toCel(v)]),
    );
  if (typeof value === 'number' && Number.isInteger(value))
    return BigInt(value);
  return value ?? null;
}

function celError(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** One failed validation: the message and the reason for the Status. */
interface Denial {
  message: string;
  reason: string;
}

/** Runs one policy through one binding; the first denial, if any. */
function evaluate(
  policy: KubeObject,
  context: Record<string, unknown>,
): Denial | undefined {
  const spec = policy.spec as Record<string, any>;
  const failClosed = (spec.failurePolicy ?? 'Fail') === 'Fail';
  const run = (expression: string, vars: Record<string, unknown>) =>
    program(expression)(vars);
  const errors: string[] = [];
  for (const condition of (spec.matchConditions ?? []) as NamedExpression[]) {
    try {
      if (run(condition.expression, context) === false) return undefined;
    } catch (e) {
      errors.push(
        `expression '${condition.expression}' resulted in error: ${celError(
          e,
        )}`,
      );
    }
  }
  if (errors.length > 0) {
    return failClosed
      ? { message: errors.join(', '), reason: 'Invalid' }
      : undefined;
  }
  // Variables are evaluated when first used, each at most once.
  const variables: Record<string, unknown> = {};
  const vars = { ...context, variables };
  for (const v of (spec.variables ?? []) as NamedExpression[]) {
    let cached: { value?: unknown; error?: string } | undefined;
    Object.defineProperty(variables, v.name, {
      enumerable: true,
      get: () => {
        if (!cached) {
          try {
            cached = { value: run(v.expression, vars) };
          } catch (e) {
            cached = { error: celError(e) };
          }
        }
        if (cached.error !== undefined)
          throw new Error(
            `composited variable "${v.name}" fails to be evaluated: ${cached.error}`,
          );
        return cached.value;
      },
    });
  }
  for (const validation of (spec.validations ?? []) as Validation[]) {
    let result: unknown;
    try {
      result = run(validation.expression, vars);
    } catch (e) {
      if (!failClosed) continue;
      return {
        message: `expression '${
          validation.expression
        }' resulted in error: ${celError(e)}`,
        reason: 'Invalid',
      };
    }
    if (result === true) continue;
    return {
      message: failureMessage(validation, vars),
      reason: validation.reason ?? 'Invalid',
    };
  }
  return undefined;
}

/** messageExpression, else message, else the expression itself (validator.go). */
function failureMessage(
  validation: Validation,
  vars: Record<string, unknown>,
): string {
  if (validation.messageExpression) {
    try {
      const text = program(validation.messageExpression)(vars);
      if (typeof text === 'string') {
        const trimmed = text.trim();
        if (trimmed && !trimmed.includes('\n') && trimmed.length <= 5120)
          return trimmed;
      }
    } catch {
      // Falls back to the static message, as kube-apiserver does.
    }
  }
  if (validation.message?.trim()) return validation.message.trim();
  return `failed expression: ${validation.expression.trim()}`;
}

const codeOfReason: Record<string, number> = {
  Unauthorized: 401,
  Forbidden: 403,
  Invalid: 422,
  RequestEntityTooLarge: 413,
};

/**
 * The ValidatingAdmissionPolicy admission plugin: throws kube-apiserver's refusal when a bound
 * policy denies the write.
 */
export function admitByPolicies(options: {
  attributes: AdmissionAttributes;
  policies: ReadonlyArray<KubeObject>;
  bindings: ReadonlyArray<KubeObject>;
  namespaceObject?: Readonly<KubeObject>;
}): void {
  const a = options.attributes;
  const isNamespace = a.type.group === '' && a.type.resource === 'namespaces';
  const namespaceObject = isNamespace ? undefined : options.namespaceObject;
  // The CEL variables are the same for every policy and binding: converted once, when the
  // first one matches (CEL only reads them).
  let context: Record<string, unknown> | undefined;
  const celContext = () =>
    (context ??= {
      object: toCel(a.object),
      oldObject: toCel(a.oldObject),
      request: toCel(admissionRequest(a)),
      namespaceObject: toCel(namespaceView(namespaceObject)),
    });
  for (const policy of options.policies) {
    const spec = policy.spec as Record<string, any>;
    if (!resourcesMatch(spec.matchConstraints, a, namespaceObject)) continue;
    const bindings = options.bindings.filter(
      b => (b.spec as any)?.policyName === policy.metadata?.name,
    );
    for (const binding of bindings) {
      const bspec = binding.spec as Record<string, any>;
      if (!resourcesMatch(bspec.matchResources, a, namespaceObject)) continue;
      if (!(bspec.validationActions ?? []).includes('Deny')) continue;
      const denial = evaluate(policy, celContext());
      if (!denial) continue;
      const message = `ValidatingAdmissionPolicy '${policy.metadata?.name}' with binding '${binding.metadata?.name}' denied request: ${denial.message}`;
      // admission.NewForbidden names the object being written, "Unknown" on delete.
      const name =
        a.object?.metadata?.name ||
        a.object?.metadata?.generateName ||
        'Unknown';
      const gr = { group: a.type.group, resource: a.type.resource };
      throw new KubeStatusError({
        code: codeOfReason[denial.reason] ?? 422,
        reason: denial.reason,
        message: `${qualifiedResource(gr)} "${name}" is forbidden: ${message}`,
        details: {
          name,
          ...(gr.group ? { group: gr.group } : {}),
          kind: gr.resource,
          causes: [{ message }],
        },
      });
    }
  }
}
