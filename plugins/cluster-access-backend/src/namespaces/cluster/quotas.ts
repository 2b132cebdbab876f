import { QuotaUsage } from '@cluster-access/plugin-cluster-access-common';
import { ClusterClient } from '@cluster-access/plugin-cluster-access-node';
import { MANAGED_SELECTOR } from './labels';

/**
 * The quotas of every managed namespace of one cluster, in one list: usage
 * by `<namespace>`, each resource with its hard limit and what is used.
 */
export async function readQuotas(
  client: ClusterClient,
): Promise<Map<string, QuotaUsage[]>> {
  const quotas = new Map<string, QuotaUsage[]>();
  const items = await client.list(
    { apiVersion: 'v1', kind: 'ResourceQuota' },
    MANAGED_SELECTOR,
  );
  for (const quota of items) {
    const status = (quota.status ?? {}) as {
      hard?: Record<string, string>;
      used?: Record<string, string>;
    };
    const spec = (quota.spec ?? {}) as { hard?: Record<string, string> };
    const hard = status.hard ?? spec.hard ?? {};
    quotas.set(
      quota.metadata.namespace ?? '',
      Object.keys(hard)
        .sort()
        .map(resource => ({
          resource,
          hard: String(hard[resource]),
          ...(status.used?.[resource] !== undefined
            ? { used: String(status.used[resource]) }
            : {}),
        })),
    );
  }
  return quotas;
}
