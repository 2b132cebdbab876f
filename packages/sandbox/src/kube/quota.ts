/*
 * ResourceQuota status and object-count enforcement. Only object counts are tracked: the peer
 * runs no pods, so compute and storage usage is always zero.
 */
import { forbiddenResource, GroupResource } from './errors';
import { KubeObject, ResourceType, resourceTypes } from './resources';
import { ObjectStore } from './store';

// Legacy object-count names kube-apiserver understands for core resources.
const legacyCountNames: Record<string, string> = {
  configmaps: 'configmaps',
  resourcequotas: 'resourcequotas',
};

function countedType(key: string): ResourceType | undefined {
  const legacy = legacyCountNames[key];
  if (legacy)
    return resourceTypes.find(t => t.group === '' && t.resource === legacy);
  if (!key.startsWith('count/')) return undefined;
  const name = key.slice('count/'.length);
  const dot = name.indexOf('.');
  const resource = dot < 0 ? name : name.slice(0, dot);
  const group = dot < 0 ? '' : name.slice(dot + 1);
  return resourceTypes.find(
    t =>
      t.stored && t.namespaced && t.resource === resource && t.group === group,
  );
}

/** The quota keys that count objects of `type` (`count/configmaps`, `configmaps`). */
function keysFor(type: ResourceType): string[] {
  const keys = [
    `count/${type.group ? `${type.resource}.${type.group}` : type.resource}`,
  ];
  if (type.group === '' && legacyCountNames[type.resource])
    keys.push(type.resource);
  return keys;
}

/** Parses the integer quantities used for object counts ("10", 10, "1k"). */
function parseCount(value: unknown): number | undefined {
  const s = String(value ?? '').trim();
  const m = /^(\d+)(k|M|G)?$/.exec(s);
  if (!m) return undefined;
  const multipliers: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9 };
  return Number(m[1]) * (m[2] ? multipliers[m[2]] : 1);
}

/** `status` of a ResourceQuota: hard from spec, used from object counts (zero otherwise). */
export function quotaStatus(
  quota: KubeObject,
  store: ObjectStore,
): Record<string, unknown> {
  const hard = ((quota.spec as any)?.hard ?? {}) as Record<string, string>;
  const used: Record<string, string> = {};
  for (const key of Object.keys(hard)) {
    const t = countedType(key);
    used[key] = t
      ? String(store.count(t, quota.metadata?.namespace ?? ''))
      : '0';
  }
  return { hard: { ...hard }, used };
}

/**
 * Refuses a create that would take an object count past a quota in the namespace, with
 * kube-apiserver's `exceeded quota` message.
 */
export function enforceQuota(options: {
  store: ObjectStore;
  quotaType: ResourceType;
  type: ResourceType;
  namespace: string;
  name: string;
  gr: GroupResource;
}): void {
  const { store, type, namespace } = options;
  const keys = keysFor(type);
  for (const quota of store.list(options.quotaType, namespace)) {
    const hard = ((quota.spec as any)?.hard ?? {}) as Record<string, unknown>;
    for (const key of keys) {
      if (!(key in hard)) continue;
      const limit = parseCount(hard[key]);
      if (limit === undefined) continue;
      const used = store.count(type, namespace);
      if (used + 1 > limit) {
        throw forbiddenResource(
          options.gr,
          options.name,
          `exceeded quota: ${
            quota.metadata?.name
          }, requested: ${key}=1, used: ${key}=${used}, limited: ${key}=${String(
            hard[key],
          )}`,
        );
      }
    }
  }
}
