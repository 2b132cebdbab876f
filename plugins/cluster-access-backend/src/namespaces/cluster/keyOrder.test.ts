import { KubeObject } from '@cluster-access/plugin-cluster-access-node';
import { compareKeys, ListOrder, ReadyCursor } from './keyOrder';
import { ProvisionTarget } from './NamespaceProvisioner';

const binding = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { namespace, name },
});
const names = (objects: KubeObject[]) =>
  objects.map(o => `${o.metadata.namespace}/${o.metadata.name}`);

describe('keyOrder', () => {
  it('compares keys as etcd does, by their UTF-8 bytes', () => {
    expect(compareKeys('team-a/x', 'team/x')).toBeLessThan(0);
    // U+FF61 is one UTF-16 unit above the surrogates of U+1F600, but its
    // UTF-8 bytes (EF …) come before those of U+1F600 (F0 …).
    expect('\uff61' > '\u{1f600}').toBe(true);
    expect(compareKeys('\uff61', '\u{1f600}')).toBeLessThan(0);
  });

  it('skips what a list that started over hands over again, and refuses disorder', () => {
    const order = new ListOrder('RoleBinding', true);
    expect(
      names(order.fresh([binding('a-b', 'x'), binding('a', 'x')])),
    ).toEqual(['a-b/x', 'a/x']);
    // The list started again from the top (its continue token expired).
    expect(
      names(
        order.fresh([
          binding('a-b', 'x'),
          binding('a', 'x'),
          binding('a', 'y'),
        ]),
      ),
    ).toEqual(['a/y']);
    expect(() => order.fresh([binding('b', 'y'), binding('b', 'x')])).toThrow(
      'the cluster listed RoleBinding out of key order (b/x after b/y); skipped this pass',
    );
  });

  it('reads the requests page by page and ends each page once all of it was taken', async () => {
    const all = ['team', 'team-a', 'team0', 'team-a-b'].map(
      namespace => ({ id: namespace, namespace } as ProvisionTarget),
    );
    const reads: Array<string | undefined> = [];
    const done: string[][] = [];
    const cursor = new ReadyCursor({
      namespaced: true,
      pageSize: 2,
      read: async ({ order, after, limit }) => {
        expect(order).toBe('key');
        reads.push(after);
        return all
          .filter(
            r =>
              after === undefined || compareKeys(`${r.namespace}/`, after) > 0,
          )
          .sort((x, y) => compareKeys(`${x.namespace}/`, `${y.namespace}/`))
          .slice(0, limit);
      },
      onPageDone: async page => {
        done.push(page.map(r => r.namespace));
      },
    });
    const before: string[] = [];
    for await (const r of cursor.before(cursor.sortKey('team'))) {
      before.push(r.namespace);
    }
    expect(before).toEqual(['team-a-b', 'team-a']);
    // Looking past the first page read the second, so the first is over.
    expect((await cursor.peek())?.namespace).toBe('team');
    expect(done).toEqual([['team-a-b', 'team-a']]);
    cursor.take();
    const rest: string[] = [];
    for await (const r of cursor.before()) rest.push(r.namespace);
    expect(rest).toEqual(['team0']);
    await cursor.close();
    expect(done).toEqual([
      ['team-a-b', 'team-a'],
      ['team', 'team0'],
    ]);
    expect(reads).toEqual([undefined, 'team-a/', 'team0/']);
  });
});
