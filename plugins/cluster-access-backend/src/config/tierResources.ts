import {
  LimitRangeDefaults,
  parseQuantity,
} from '@cluster-access/plugin-cluster-access-common';

/*
 * The rules kube-apiserver applies to a ResourceQuota and a LimitRange
 * (pkg/apis/core/validation: ValidateResourceQuota, ValidateLimitRange,
 * ValidateResourceQuantityValue; the name sets of pkg/apis/core/helper),
 * checked on a tier's configuration at startup: a tier that breaks them would
 * be refused by every cluster on every provisioning.
 */

const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);
const CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
/** Resources a quota makes every container state unless a default applies. */
const CONTAINER_STATED = ['cpu', 'memory'];

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function isQualifiedName(name: string): boolean {
  const parts = name.split('/');
  if (parts.length > 2) return false;
  const [prefix, last] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (
    prefix !== undefined &&
    (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
  ) {
    return false;
  }
  return last.length > 0 && last.length <= 63 && NAME_PART.test(last);
}

const isHugePages = (name: string) => name.startsWith('hugepages-');
const isNative = (name: string) =>
  !name.includes('/') || name.includes('kubernetes.io/');
const isExtended = (name: string) =>
  !isNative(name) &&
  !name.startsWith('requests.') &&
  isQualifiedName(`requests.${name}`);

function quotaNameProblem(name: string): string | undefined {
  if (!isQualifiedName(name)) return 'is not a valid resource name';
  if (
    !name.includes('/') &&
    !STANDARD_QUOTA_RESOURCES.has(name) &&
    !isHugePages(name) &&
    !name.startsWith('requests.hugepages-')
  ) {
    return 'is not a resource Kubernetes quotas know: use a standard one (cpu, memory, requests.cpu, limits.memory, pods, services, secrets, configmaps, persistentvolumeclaims, …), count/<resource>[.<group>], or a fully qualified name such as requests.example.com/gpu';
  }
  return undefined;
}

function containerNameProblem(name: string): string | undefined {
  if (!isQualifiedName(name)) return 'is not a valid resource name';
  if (!name.includes('/')) {
    return CONTAINER_RESOURCES.has(name) || isHugePages(name)
      ? undefined
      : 'is not a container resource: use cpu, memory, ephemeral-storage, hugepages-<size> or a fully qualified name such as example.com/gpu';
  }
  return isNative(name) || isExtended(name)
    ? undefined
    : 'is not a valid extended resource name';
}

/**
 * What Kubernetes would refuse in a tier's ResourceQuota and LimitRange, each
 * problem naming its key (`resourceQuota.pods: …`). Empty when the tier is
 * fine. Quantities are already known to parse (the config schema checks that).
 */
export function tierResourceProblems(tier: {
  resourceQuota: Record<string, string>;
  limitRange: LimitRangeDefaults;
}): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(tier.resourceQuota)) {
    const key = `resourceQuota.${name}`;
    const nameProblem = quotaNameProblem(name);
    if (nameProblem) problems.push(`${key} ${nameProblem}`);
    const amount = parseQuantity(value);
    const integer = INTEGER_RESOURCES.has(name) || isExtended(name);
    if (amount !== undefined && integer && !Number.isInteger(amount)) {
      problems.push(`${key}: ${value} must be a whole number`);
    }
  }
  const lr = tier.limitRange;
  const fields = [
    'min',
    'defaultRequest',
    'default',
    'max',
    'maxLimitRequestRatio',
  ] as const;
  const names = new Set<string>();
  for (const field of fields) {
    for (const name of Object.keys(lr[field] ?? {})) {
      const problem = containerNameProblem(name);
      if (problem) problems.push(`limitRange.${field}.${name} ${problem}`);
      names.add(name);
    }
  }
  for (const name of names) problems.push(...orderProblems(lr, name));
  return problems;
}

function orderProblems(lr: LimitRangeDefaults, name: string): string[] {
  const get = (field: keyof LimitRangeDefaults) => {
    const text = lr[field]?.[name];
    const value = text === undefined ? undefined : parseQuantity(text);
    return value === undefined ? undefined : { text: text!, value };
  };
  const order = (['min', 'defaultRequest', 'default', 'max'] as const)
    .map(field => ({ field, q: get(field) }))
    .filter(
      (e): e is { field: typeof e.field; q: { text: string; value: number } } =>
        e.q !== undefined,
    );
  const problems: string[] = [];
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const [lo, hi] = [order[i], order[j]];
      if (lo.q.value > hi.q.value) {
        problems.push(
          `limitRange.${lo.field}.${name} (${lo.q.text}) is greater than limitRange.${hi.field}.${name} (${hi.q.text}); Kubernetes requires min ≤ defaultRequest ≤ default ≤ max`,
        );
      }
    }
  }
  const ratio = get('maxLimitRequestRatio');
  const [min, max] = [get('min'), get('max')];
  if (ratio && ratio.value < 1) {
    problems.push(
      `limitRange.maxLimitRequestRatio.${name} (${ratio.text}) must be at least 1`,
    );
  } else if (
    ratio &&
    min &&
    max &&
    min.value > 0 &&
    ratio.value > max.value / min.value
  ) {
    problems.push(
      `limitRange.maxLimitRequestRatio.${name} (${ratio.text}) is greater than max/min (${max.text}/${min.text})`,
    );
  }
  const [def, req] = [get('default'), get('defaultRequest')];
  if (!isNative(name) || isHugePages(name)) {
    if (def && req && def.value !== req.value) {
      problems.push(
        `limitRange.default.${name} (${def.text}) must equal limitRange.defaultRequest.${name} (${req.text}): ${name} cannot be overcommitted`,
      );
    }
  }
  return problems;
}

/**
 * Advice, not errors: a quota on cpu or memory makes Kubernetes refuse every
 * container that does not state that resource, unless the LimitRange gives a
 * default for it.
 */
export function tierResourceAdvice(tier: {
  resourceQuota: Record<string, string>;
  limitRange: LimitRangeDefaults;
}): string[] {
  const advice: string[] = [];
  for (const resource of CONTAINER_STATED) {
    const quotaKeys = Object.keys(tier.resourceQuota);
    const requests = [resource, `requests.${resource}`].filter(k =>
      quotaKeys.includes(k),
    );
    const limits = quotaKeys.filter(k => k === `limits.${resource}`);
    // Kubernetes fills the defaults in from each other (SetDefaults_LimitRangeItem):
    // max → default, default → defaultRequest, min → defaultRequest.
    const lr = tier.limitRange;
    const hasLimit =
      lr.default?.[resource] !== undefined || lr.max?.[resource] !== undefined;
    const hasRequest =
      hasLimit ||
      lr.defaultRequest?.[resource] !== undefined ||
      lr.min?.[resource] !== undefined;
    for (const key of [
      ...(hasRequest ? [] : requests),
      ...(hasLimit ? [] : limits),
    ]) {
      advice.push(
        `resourceQuota.${key} is set but limitRange gives no default for ${resource}: every container in the namespace will have to state it, or Kubernetes refuses the pod`,
      );
    }
  }
  return advice;
}
