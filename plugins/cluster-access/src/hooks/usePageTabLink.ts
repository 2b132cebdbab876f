import { useRouteRef } from '@backstage/core-plugin-api';
import { pageTabs, PageTab, rootRouteRef } from '../routes';

/**
 * The URL of one of the page's tabs, with an optional query, or `undefined`
 * when the app has not mounted the page (an app may show the entity cards
 * without it); callers then leave the link out.
 */
export function usePageTabLink(
  tab: PageTab,
  query?: Record<string, string>,
): string | undefined {
  let root: (() => string) | undefined;
  try {
    // useRouteRef is called on every render; it throws for a route the app
    // has not mounted only after all of its own hooks ran, and whether the
    // page is mounted does not change between renders, so the order of hooks
    // is stable: the rule cannot see that through the try.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    root = useRouteRef(rootRouteRef);
  } catch {
    root = undefined;
  }
  if (!root) return undefined;
  const base = root().replace(/\/$/, '');
  const path = pageTabs[tab] ? `${base}/${pageTabs[tab]}` : base || '/';
  const search = query ? new URLSearchParams(query).toString() : '';
  return search ? `${path}?${search}` : path;
}
