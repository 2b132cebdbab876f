import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/*
 * The layout rule of the backend (see "Where a change goes" in the README):
 * folders of product code never import each other in a cycle, so each
 * feature folder can be read, and changed, from the bottom up. Tests and
 * test utilities may reach anywhere and are left out.
 */

const SRC = __dirname;

function productFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === '__testUtils__' ? [] : productFiles(path);
    }
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** Folder of each relative import of each file, as `from → to` edges. */
function folderEdges(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of productFiles(SRC)) {
    const from = relative(SRC, dirname(file)) || '.';
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const to = relative(SRC, dirname(resolve(dirname(file), spec))) || '.';
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

/** Every cycle between folders, each as the path that closes it. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      found.push([...path.slice(path.indexOf(node)), node]);
      return;
    }
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of edges.keys()) visit(node, []);
  return found;
}

describe('backend layout', () => {
  it('has no import cycle between folders', () => {
    const edges = folderEdges();
    // The check sees the folders (guards against a broken scan passing).
    expect(edges.get('namespaces/requests')).toContain('namespaces/cluster');
    expect(cycles(edges).map(c => c.join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const edges = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(cycles(edges)).toEqual([['a', 'b', 'c', 'a']]);
  });
});
