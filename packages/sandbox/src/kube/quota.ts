/*
 * ResourceQuota: usage (status.used) and the admission check on create
 * (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota, the evaluators of
 * pkg/quota/v1/evaluator/core). Object counts of every served kind; for Pods also `pods` and
 * their cpu/memory/ephemeral-storage requests and limits, with the rule that a quota on cpu or
 * memory requires every container to state it. Quota scopes are not evaluated: a scoped quota
 * is treated as unscoped.
 */
import { forbiddenResource, GroupResource } from './errors';
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  Quantity,
  quantityOf,
} from './quantity';
import { KubeObject, ResourceType, resourceTypes } from './resources';
import { ObjectStore } from './store';

type Obj = Record<string, any>;
type Usage = Map<string, Quantity>;

/** Names whose quota also counts objects without the `count/` prefix. */
const legacyCountNames = new Set([
  'configmaps',
  'resourcequotas',
  'secrets',
  'services',
  'pods',
  'persistentvolumeclaims',
  'replicationcontrollers',
]);
/** A quota on one of these makes every container state it (a backward-compatible mistake). */
const validationSet = [
  'cpu',
  'memory',
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
];
const computeKeys = [
  ...validationSet,
  'ephemeral-storage',
  'requests.ephemeral-storage',
  'limits.ephemeral-storage',
];

function countKey(type: ResourceType): string {
  return `count/${
    type.group ? `${type.resource}.${type.group}` : type.resource
  }`;
}

function add(usage: Usage, key: string, value: Quantity | undefined): void {
  if (!value) return;
  const have = usage.get(key);
  usage.set(key, have ? addQuantities(have, value) : value);
}

/** podComputeUsageHelper: what one container's (or a pod's) requests and limits consume. */
function computeUsage(requests: Obj, limits: Obj): Usage {
  const usage: Usage = new Map();
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = parseQuantity(requests?.[r]);
    if (req) {
      usage.set(r, req);
      usage.set(`requests.${r}`, req);
    }
    const lim = parseQuantity(limits?.[r]);
    if (lim) usage.set(`limits.${r}`, lim);
  }
  return usage;
}

/** A pod's requests or limits: the sum over containers, at least the largest init container. */
function podTotals(spec: Obj, field: 'requests' | 'limits'): Obj {
  const sum: Usage = new Map();
  for (const c of spec?.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[field] ?? {}))
      add(sum, k, parseQuantity(v));
  }
  for (const c of spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) {
      const q = parseQuantity(v);
      const have = sum.get(k);
      if (q && (!have || compareQuantities(q, have) > 0)) sum.set(k, q);
    }
  }
  return Object.fromEntries([...sum].map(([k, v]) => [k, formatQuantity(v)]));
}

/** What one object consumes of each quota resource. */
export function objectUsage(type: ResourceType, obj: KubeObject): Usage {
  const usage: Usage = new Map([[countKey(type), quantityOf(1)]]);
  if (type.group === '' && legacyCountNames.has(type.resource)) {
    usage.set(type.resource, quantityOf(1));
  }
  if (type.kind === 'Pod') {
    const spec = obj.spec as Obj;
    for (const [k, v] of computeUsage(
      podTotals(spec, 'requests'),
      podTotals(spec, 'limits'),
    )) {
      usage.set(k, v);
    }
  }
  if (type.kind === 'Service') {
    const spec = (obj.spec ?? {}) as Obj;
    const ports: Obj[] = spec.ports ?? [];
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      usage.set(
        'services.nodeports',
        quantityOf(ports.filter(p => p.nodePort).length),
      );
    }
    if (spec.type === 'LoadBalancer')
      usage.set('services.loadbalancers', quantityOf(1));
  }
  return usage;
}

/** Which served kind can use a quota resource, so that only that kind is counted. */
function contributingType(key: string): ResourceType | undefined {
  const byName = (group: string, resource: string) =>
    resourceTypes.find(
      t =>
        t.stored &&
        t.namespaced &&
        t.group === group &&
        t.resource === resource,
    );
  if (computeKeys.includes(key)) return byName('', 'pods');
  if (key.startsWith('services.')) return byName('', 'services');
  if (legacyCountNames.has(key)) return byName('', key);
  if (!key.startsWith('count/')) return undefined;
  const name = key.slice('count/'.length);
  const dot = name.indexOf('.');
  return dot < 0
    ? byName('', name)
    : byName(name.slice(dot + 1), name.slice(0, dot));
}

const hardOf = (quota: KubeObject) =>
  ((quota.spec as Obj)?.hard ?? {}) as Record<string, string>;

/** `status` of a ResourceQuota: hard from spec, used summed over the namespace's objects. */
export function quotaStatus(quota: KubeObject, store: ObjectStore): Obj {
  const hard = hardOf(quota);
  const used: Record<string, string> = {};
  const namespace = quota.metadata?.namespace ?? '';
  for (const key of Object.keys(hard)) {
    const type = contributingType(key);
    // Like quota.Add, a sum keeps the format of its first term (`128Mi` + … stays binary).
    let total: Quantity | undefined;
    for (const obj of type ? store.view(type, namespace) : []) {
      const u = objectUsage(type!, obj).get(key);
      if (u) total = total ? addQuantities(total, u) : u;
    }
    used[key] = formatQuantity(total ?? quantityOf(0));
  }
  return { hard: { ...hard }, used };
}

function prettyPrint(usage: Usage, keys: string[]): string {
  return [...keys]
    .sort()
    .map(k => `${k}=${formatQuantity(usage.get(k) ?? quantityOf(0))}`)
    .join(',');
}

/** The `must specify …` constraint of the pod evaluator, or undefined. */
function podConstraint(
  pod: KubeObject,
  hardKeys: string[],
): string | undefined {
  const required = validationSet.filter(k => hardKeys.includes(k));
  const missing = new Map<string, Set<string>>();
  const spec = pod.spec as Obj;
  for (const c of [
    ...(spec?.containers ?? []),
    ...(spec?.initContainers ?? []),
  ]) {
    const have = computeUsage(c.resources?.requests, c.resources?.limits);
    for (const r of required) {
      if (!have.has(r))
        missing.set(r, (missing.get(r) ?? new Set()).add(c.name));
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()]
    .sort()
    .map(r => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

/**
 * Refuses a create that breaks a quota of the namespace, with kube-apiserver's `failed quota`
 * and `exceeded quota` messages. Quotas are checked in name order.
 */
export function admitQuota(options: {
  store: ObjectStore;
  quotaType: ResourceType;
  type: ResourceType;
  obj: KubeObject;
  gr: GroupResource;
}): void {
  const { store, type, obj } = options;
  const namespace = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  const delta = objectUsage(type, obj);
  for (const [k, v] of delta) if (v.nanos === 0n) delta.delete(k);
  const quotas = store.view(options.quotaType, namespace);
  for (const quota of quotas) {
    const hardKeys = Object.keys(hardOf(quota));
    const matching = hardKeys.filter(k => contributingType(k) === type);
    if (matching.length === 0) continue;
    const why = type.kind === 'Pod' ? podConstraint(obj, hardKeys) : undefined;
    if (why)
      throw forbiddenResource(
        options.gr,
        name,
        `failed quota: ${quota.metadata?.name}: ${why}`,
      );
  }
  for (const quota of quotas) {
    const hard = hardOf(quota);
    const requested = Object.keys(hard).filter(k => delta.has(k));
    if (requested.length === 0) continue;
    const used = new Map(
      Object.entries(
        quotaStatus(quota, store).used as Record<string, string>,
      ).map(([k, v]) => [k, parseQuantity(v)!]),
    );
    const hardUsage = new Map(
      Object.entries(hard).map(([k, v]) => [
        k,
        parseQuantity(v) ?? quantityOf(0),
      ]),
    );
    const exceeded = requested.filter(k => {
      const after = addQuantities(used.get(k) ?? quantityOf(0), delta.get(k)!);
      return compareQuantities(after, hardUsage.get(k)!) > 0;
    });
    if (exceeded.length > 0) {
      throw forbiddenResource(
        options.gr,
        name,
        `exceeded quota: ${quota.metadata?.name}, requested: ${prettyPrint(
          delta,
          exceeded,
        )}, used: ${prettyPrint(used, exceeded)}, limited: ${prettyPrint(
          hardUsage,
          exceeded,
        )}`,
      );
    }
  }
}
