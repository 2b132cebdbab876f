import { useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { entityRefName } from '../../lib/entityRefs';

/** A Group the user may request a namespace for. */
export interface GroupOption {
  ref: string;
  label: string;
}

/**
 * The Groups' titles from the catalog, in one batched read. Titles are a
 * nicety: without a catalog API, or when it fails, the entity names are used.
 */
export function useGroupOptions(groups: string[]): GroupOption[] {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value } = useAsync(async () => {
    if (!catalogApi || groups.length === 0) return undefined;
    try {
      const { items } = await catalogApi.getEntitiesByRefs({
        entityRefs: groups,
        fields: ['kind', 'metadata.name', 'metadata.title', 'spec.profile'],
      });
      return items.map(entity => {
        const profile = entity?.spec?.profile as
          | { displayName?: string }
          | undefined;
        return entity?.metadata.title ?? profile?.displayName;
      });
    } catch {
      return undefined;
    }
  }, [catalogApi, groups.join(',')]);
  return groups.map((ref, i) => {
    const name = entityRefName(ref);
    const title = value?.[i];
    return {
      ref,
      label: title && title !== name ? `${title} (${name})` : name,
    };
  });
}
