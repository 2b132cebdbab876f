import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Scope } from './ScopeToggle';

/**
 * Which namespaces the tab lists: the user's or all, or only one when a
 * namespace link elsewhere (`?namespace=<cluster>/<name>`) led here.
 */
export function useNamespaceScope(): {
  scope: Scope;
  setScope: (scope: Scope) => void;
  only?: string;
  showAll: () => void;
} {
  const [search, setSearch] = useSearchParams();
  const only = search.get('namespace') ?? undefined;
  const [chosen, setScope] = useState<Scope>('mine');
  return {
    scope: only ? 'all' : chosen,
    setScope,
    only,
    showAll: () => setSearch({}),
  };
}
