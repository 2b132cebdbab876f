/*
 * Decoding and defaulting, as kube-apiserver's decoder and the kinds' `SetDefaults_*`
 * functions do before anything validates an object.
 */
import { badRequest } from './errors';
import { canonicalQuantity, quantityFormatMessage } from './quantity';
import { apiVersionOf, KubeObject, ResourceType } from './resources';
import { defaultSecret } from './services';
import { allContainers, defaultDeployment, defaultPod } from './workloads';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decodes the quantities of a map into their canonical form, as the API server stores them;
 * a value that is not a quantity fails decoding (400) like it does upstream.
 */
function canonicalizeQuantities(map: unknown, type: ResourceType): void {
  if (!isObject(map)) return;
  for (const [k, v] of Object.entries(map)) {
    const canonical = canonicalQuantity(v);
    if (canonical === undefined) {
      throw badRequest(
        `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${quantityFormatMessage}`,
      );
    }
    map[k] = canonical;
  }
}

function canonicalizeContainers(spec: unknown, type: ResourceType): void {
  for (const c of allContainers(isObject(spec) ? spec : undefined)) {
    canonicalizeQuantities(c.resources?.limits, type);
    canonicalizeQuantities(c.resources?.requests, type);
  }
}

/**
 * SetDefaults_LimitRangeItem for containers: a max is the default limit when none is given,
 * a default limit is the default request, and a min is the default request otherwise.
 */
function defaultLimitRangeItem(item: Record<string, any>): void {
  const fill = (to: string, from: string) => {
    for (const [k, v] of Object.entries(item[from] ?? {})) {
      item[to] = item[to] ?? {};
      item[to][k] ??= v;
    }
  };
  fill('default', 'max');
  fill('defaultRequest', 'default');
  fill('defaultRequest', 'min');
}

/** Defaulting, as the kinds' `SetDefaults_*` functions do. */
export function applyDefaults(type: ResourceType, obj: KubeObject): void {
  obj.apiVersion = apiVersionOf(type);
  obj.kind = type.kind;
  const spec = obj.spec as Record<string, any> | undefined;
  switch (type.kind) {
    case 'Namespace': {
      const name = obj.metadata?.name ?? '';
      obj.metadata = obj.metadata ?? {};
      // kube-apiserver forces this label on every write; it cannot be removed or changed.
      obj.metadata.labels = {
        ...(obj.metadata.labels ?? {}),
        'kubernetes.io/metadata.name': name,
      };
      break;
    }
    case 'ResourceQuota':
      if (isObject(spec)) canonicalizeQuantities(spec.hard, type);
      break;
    case 'Pod':
      canonicalizeContainers(spec, type);
      defaultPod(obj);
      break;
    case 'Deployment':
      canonicalizeContainers(spec?.template?.spec, type);
      defaultDeployment(obj);
      break;
    case 'Secret':
      defaultSecret(obj);
      break;
    case 'LimitRange':
      if (isObject(spec) && Array.isArray(spec.limits)) {
        for (const l of spec.limits) {
          if (!isObject(l)) continue;
          for (const f of [
            'max',
            'min',
            'default',
            'defaultRequest',
            'maxLimitRequestRatio',
          ]) {
            canonicalizeQuantities(l[f], type);
          }
          if (l.type === 'Container') defaultLimitRangeItem(l);
        }
      }
      break;
    case 'NetworkPolicy':
      if (isObject(spec)) {
        if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
          spec.policyTypes =
            Array.isArray(spec.egress) && spec.egress.length > 0
              ? ['Ingress', 'Egress']
              : ['Ingress'];
        }
        for (const dir of ['ingress', 'egress']) {
          for (const rule of Array.isArray(spec[dir]) ? spec[dir] : []) {
            for (const port of Array.isArray(rule?.ports) ? rule.ports : []) {
              if (isObject(port) && port.protocol === undefined)
                port.protocol = 'TCP';
            }
          }
        }
      }
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      for (const s of Array.isArray(obj.subjects) ? obj.subjects : []) {
        if (
          isObject(s) &&
          (s.kind === 'User' || s.kind === 'Group') &&
          s.apiGroup === undefined
        ) {
          s.apiGroup = 'rbac.authorization.k8s.io';
        }
      }
      break;
    default:
      break;
  }
}
