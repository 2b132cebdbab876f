import { useApi } from '@backstage/core-plugin-api';
import {
  NamespaceClusterInfo,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import useAsync from 'react-use/esm/useAsync';
import { clusterAccessApiRef } from '../api';

/** What the backend offers: its tiers and clusters, read once per field. */
export function useOffer(): {
  loading: boolean;
  error?: Error;
  tiers: TierInfo[];
  clusters: NamespaceClusterInfo[];
} {
  const api = useApi(clusterAccessApiRef);
  const offer = useAsync(
    async () => {
      const [tiers, clusters] = await Promise.all([
        api.listTiers(),
        api.listClusters(),
      ]);
      return { tiers, clusters };
    },
    [api],
  );
  return {
    loading: offer.loading,
    error: offer.error,
    tiers: offer.value?.tiers ?? [],
    clusters: offer.value?.clusters ?? [],
  };
}

/** The clusters a namespace of this tier can be made on (all tiers: undefined). */
export function clustersFor(
  clusters: NamespaceClusterInfo[],
  tier: string | undefined,
): NamespaceClusterInfo[] {
  return clusters.filter(
    c => c.provisioning && (!tier || c.tiers.includes(tier)),
  );
}

/** Another field of the same form, named by a `ui:options` key or a default. */
export function siblingValue(
  formContext: { formData?: Record<string, unknown> } | undefined,
  name: string,
): string | undefined {
  const value = formContext?.formData?.[name];
  return typeof value === 'string' && value ? value : undefined;
}
