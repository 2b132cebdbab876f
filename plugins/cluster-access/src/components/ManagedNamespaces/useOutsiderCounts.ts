import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { namespaceKey } from '../../lib/namespaces';

/**
 * How many bindings let outsiders into each namespace, by
 * {@link namespaceKey}, to mark their rows; the table still shows when this
 * cannot be read.
 */
export function useOutsiderCounts() {
  return useClusterAccessApi(async api => {
    const entries = await api.listAccess({ flagged: true });
    const counts = new Map<string, number>();
    for (const e of entries) {
      const key = namespaceKey(e.cluster, e.namespace);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  });
}
