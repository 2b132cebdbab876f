/**
 * Makes `window.matchMedia` (jsdom has none, so MUI's `useMediaQuery` is
 * always false) answer width queries as a window `width` px wide would;
 * `restore` removes it again.
 */
export function mockViewportWidth(width: number): { restore: () => void } {
  const matches = (query: string) =>
    [...query.matchAll(/\((min|max)-width:\s*([\d.]+)px\)/g)].every(
      ([, bound, px]) =>
        bound === 'min' ? width >= Number(px) : width <= Number(px),
    );
  Object.defineProperty(window, 'matchMedia', {
    configurable: true,
    writable: true,
    value: (query: string) => ({
      matches: matches(query),
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }),
  });
  return {
    restore: () => {
      delete (window as { matchMedia?: unknown }).matchMedia;
    },
  };
}
