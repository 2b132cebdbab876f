/*
 * The LimitRanger admission plugin (plugin/pkg/admission/limitranger) for Pods: containers
 * without requests or limits get the namespace's defaults (and the `kubernetes.io/limit-ranger`
 * annotation saying so), then min, max and maxLimitRequestRatio are enforced with upstream's
 * messages.
 */
import {
  addQuantities,
  formatQuantity,
  milliValue,
  parseQuantity,
  Quantity,
} from './quantity';
import { KubeObject } from './resources';

type Obj = Record<string, any>;
type Limit = {
  type?: string;
  max?: Obj;
  min?: Obj;
  default?: Obj;
  defaultRequest?: Obj;
  maxLimitRequestRatio?: Obj;
};

const limitsOf = (lr: KubeObject): Limit[] =>
  Array.isArray((lr.spec as Obj)?.limits) ? (lr.spec as Obj).limits : [];

function mergeContainer(
  c: Obj,
  defaults: { requests: Obj; limits: Obj },
  label: string,
  notes: string[],
): void {
  c.resources = c.resources ?? {};
  const setRequests: string[] = [];
  const setLimits: string[] = [];
  for (const [field, set] of [
    ['limits', setLimits],
    ['requests', setRequests],
  ] as const) {
    const have: Obj = c.resources[field] ?? {};
    for (const [k, v] of Object.entries(defaults[field])) {
      if (have[k] === undefined) {
        have[k] = v;
        set.push(k);
      }
    }
    if (Object.keys(have).length > 0) c.resources[field] = have;
  }
  if (setRequests.length > 0) {
    notes.push(`${setRequests.sort().join(', ')} request for ${label}`);
  }
  if (setLimits.length > 0) {
    notes.push(`${setLimits.sort().join(', ')} limit for ${label}`);
  }
}

/** PodMutateLimitFunc for each LimitRange of the namespace, in name order. */
export function applyLimitRangeDefaults(
  pod: Obj,
  limitRanges: ReadonlyArray<KubeObject>,
): void {
  for (const lr of limitRanges) {
    const defaults = { requests: {} as Obj, limits: {} as Obj };
    for (const limit of limitsOf(lr)) {
      if (limit.type !== 'Container') continue;
      Object.assign(defaults.requests, limit.defaultRequest ?? {});
      Object.assign(defaults.limits, limit.default ?? {});
    }
    const notes: string[] = [];
    for (const c of pod.spec?.containers ?? []) {
      mergeContainer(c, defaults, `container ${c.name}`, notes);
    }
    for (const c of pod.spec?.initContainers ?? []) {
      mergeContainer(c, defaults, `init container ${c.name}`, notes);
    }
    if (notes.length > 0) {
      pod.metadata = pod.metadata ?? {};
      pod.metadata.annotations = {
        ...(pod.metadata.annotations ?? {}),
        'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join(
          '; ',
        )}`,
      };
    }
  }
}

const q = (v: unknown) => parseQuantity(v);
const s = (v: Quantity) => formatQuantity(v);

function minConstraint(
  type: string,
  name: string,
  enforced: Quantity,
  requests: Obj,
  limits: Obj,
): string | undefined {
  const req = q(requests[name]);
  const lim = q(limits[name]);
  if (!req)
    return `minimum ${name} usage per ${type} is ${s(
      enforced,
    )}.  No request is specified.`;
  if (req.nanos < enforced.nanos)
    return `minimum ${name} usage per ${type} is ${s(
      enforced,
    )}, but request is ${s(req)}.`;
  if (lim && lim.nanos < enforced.nanos)
    return `minimum ${name} usage per ${type} is ${s(
      enforced,
    )}, but limit is ${s(lim)}.`;
  return undefined;
}

function maxConstraint(
  type: string,
  name: string,
  enforced: Quantity,
  requests: Obj,
  limits: Obj,
): string | undefined {
  const req = q(requests[name]);
  const lim = q(limits[name]);
  if (!lim)
    return `maximum ${name} usage per ${type} is ${s(
      enforced,
    )}.  No limit is specified.`;
  if (lim.nanos > enforced.nanos)
    return `maximum ${name} usage per ${type} is ${s(
      enforced,
    )}, but limit is ${s(lim)}.`;
  if (req && req.nanos > enforced.nanos)
    return `maximum ${name} usage per ${type} is ${s(
      enforced,
    )}, but request is ${s(req)}.`;
  return undefined;
}

function ratioConstraint(
  type: string,
  name: string,
  enforced: Quantity,
  requests: Obj,
  limits: Obj,
): string | undefined {
  const req = q(requests[name]);
  const lim = q(limits[name]);
  if (!req || req.nanos === 0n)
    return `${name} max limit to request ratio per ${type} is ${s(
      enforced,
    )}, but no request is specified or request is 0.`;
  if (!lim || lim.nanos === 0n)
    return `${name} max limit to request ratio per ${type} is ${s(
      enforced,
    )}, but no limit is specified or limit is 0.`;
  const observed = Number(milliValue(lim)) / Number(milliValue(req));
  if (observed * 1000 > Number(milliValue(enforced))) {
    return `${name} max limit to request ratio per ${type} is ${s(
      enforced,
    )}, but provided ratio is ${observed.toFixed(6)}.`;
  }
  return undefined;
}

function check(
  limit: Limit,
  type: string,
  requests: Obj,
  limits: Obj,
  out: string[],
): void {
  const rules = [
    [limit.min, minConstraint],
    [limit.max, maxConstraint],
    [limit.maxLimitRequestRatio, ratioConstraint],
  ] as const;
  for (const [map, fn] of rules) {
    for (const [name, value] of Object.entries(map ?? {})) {
      const enforced = q(value);
      const problem = enforced && fn(type, name, enforced, requests, limits);
      if (problem) out.push(problem);
    }
  }
}

function sum(lists: Obj[]): Obj {
  const out: Record<string, Quantity> = {};
  const keys = new Set(lists.flatMap(l => Object.keys(l)));
  for (const k of keys) {
    if (!lists.every(l => l[k] !== undefined)) continue;
    out[k] = lists.map(l => q(l[k])!).reduce((a, b) => addQuantities(a, b));
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, s(v)]));
}

/** PodValidateLimitFunc of one LimitRange: the problems, in upstream's words. */
export function limitRangeViolations(
  pod: Obj,
  limitRange: KubeObject,
): string[] {
  const out: string[] = [];
  const containers: Obj[] = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
  ];
  for (const limit of limitsOf(limitRange)) {
    if (limit.type === 'Container') {
      for (const c of containers) {
        check(
          limit,
          'Container',
          c.resources?.requests ?? {},
          c.resources?.limits ?? {},
          out,
        );
      }
    } else if (limit.type === 'Pod') {
      const regular: Obj[] = pod.spec?.containers ?? [];
      const requests = sum(regular.map(c => c.resources?.requests ?? {}));
      const limits = sum(regular.map(c => c.resources?.limits ?? {}));
      check(limit, 'Pod', requests, limits, out);
    }
  }
  return out;
}
