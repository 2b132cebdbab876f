import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogApiRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { isSameEntityRef } from '../../lib/entityRefs';

/**
 * A User from the catalog, as offered by the member picker: the ref it adds,
 * the name it shows, and the user name (`bob`, or `other/bob` outside the
 * default namespace) that tells two of the same name apart.
 */
export type UserOption = { ref: string; displayName: string; handle: string };

/** How long typing must pause before the catalog is searched. */
const USER_SEARCH_DEBOUNCE_MS = 250;

const USER_SEARCH_LIMIT = 20;

function toUserOption(entity: Entity): UserOption {
  const profile = entity.spec?.profile as { displayName?: string } | undefined;
  return {
    ref: stringifyEntityRef(entity),
    handle: humanizeEntityRef(entity, { defaultKind: 'user' }),
    displayName:
      profile?.displayName || entity.metadata.title || entity.metadata.name,
  };
}

/**
 * The catalog's Users matching `text` (by name or display name) once typing
 * pauses, without those in `exclude`; none for empty text.
 */
export function useUserSearch(text: string, exclude: string[]) {
  const catalogApi = useApi(catalogApiRef);
  const [term, setTerm] = useState('');
  useDebounce(() => setTerm(text.trim()), USER_SEARCH_DEBOUNCE_MS, [text]);

  const search = useAsync(async (): Promise<UserOption[]> => {
    if (!term) return [];
    const { items } = await catalogApi.queryEntities({
      filter: { kind: 'User' },
      fullTextFilter: {
        term,
        fields: ['metadata.name', 'spec.profile.displayName'],
      },
      limit: USER_SEARCH_LIMIT,
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items.map(toUserOption);
  }, [catalogApi, term]);

  return {
    options: (search.value ?? []).filter(
      option => !exclude.some(ref => isSameEntityRef(ref, option.ref)),
    ),
    loading: search.loading,
    error: search.error,
  };
}
