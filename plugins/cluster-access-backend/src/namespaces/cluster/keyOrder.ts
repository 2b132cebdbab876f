/*
 * A reconcile pass joins two streams in one order: a Kubernetes list of one kind, page by
 * page, and the ready requests of the cluster from the database, page by page. kube-apiserver
 * serves a paged list in etcd's key order: each page is a range read of keys, and the
 * continue token carries the key the next page starts after (storage/etcd3/store.go,
 * storage/continue.go). A Namespace's key is its name; a namespaced object's is
 * `namespace/name`, compared as bytes, so `team-a/x` comes before `team/x`. Both streams are
 * walked together, one namespace at a time, and nothing about the namespaces already passed
 * needs to be kept.
 */
import { KubeObject } from '@cluster-access/plugin-cluster-access-node';
import { ProvisionTarget } from './NamespaceProvisioner';

/** The position of a namespace in a list of `namespaced` objects (or of Namespaces). */
export function namespaceSortKey(namespace: string, namespaced: boolean) {
  return namespaced ? `${namespace}/` : namespace;
}

/** The object's key below the list's prefix, as etcd orders it. */
export function listKey(object: KubeObject, namespaced: boolean): string {
  const { name, namespace } = object.metadata;
  return namespaced ? `${namespace ?? ''}/${name}` : name;
}

/** etcd compares keys as bytes; JavaScript compares UTF-16 code units. */
export function compareKeys(a: string, b: string): number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(a) && /^[\x00-\x7f]*$/.test(b)) {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  }
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Tells a page that came again (the list started over after its continue
 * token expired: its objects were handled already) from one that breaks key
 * order, which the join cannot work with.
 */
export class ListOrder {
  private last: string | undefined;

  constructor(
    private readonly kind: string,
    private readonly namespaced: boolean,
  ) {}

  /** The objects of a page not handed over before, in order; throws on disorder. */
  fresh(page: KubeObject[]): KubeObject[] {
    const out: KubeObject[] = [];
    let previous: string | undefined;
    for (const object of page) {
      const key = listKey(object, this.namespaced);
      if (previous !== undefined && compareKeys(previous, key) >= 0) {
        throw new Error(
          `the cluster listed ${this.kind} out of key order (${key} after ${previous}); skipped this pass`,
        );
      }
      previous = key;
      if (this.last !== undefined && compareKeys(key, this.last) <= 0) {
        continue;
      }
      out.push(object);
      this.last = key;
    }
    return out;
  }
}

/** Fetches one page of ready requests after a sort key. */
export type ReadyPageReader = (options: {
  order: 'name' | 'key';
  after?: string;
  limit: number;
}) => Promise<ProvisionTarget[]>;

/**
 * The ready requests of a cluster in a list's key order, read from the
 * database a page at a time (keyset pagination). `onPage` is told when a page
 * is read, `onPageDone` once every request of it was taken and the caller is
 * done with them (before the next page is read, and at the end).
 */
export class ReadyCursor {
  private page: ProvisionTarget[] = [];
  private index = 0;
  private after: string | undefined;
  private exhausted = false;

  constructor(
    private readonly options: {
      read: ReadyPageReader;
      namespaced: boolean;
      pageSize: number;
      onPage?: (page: ProvisionTarget[]) => Promise<void>;
      onPageDone?: (page: ProvisionTarget[]) => Promise<void>;
    },
  ) {}

  sortKey(namespace: string): string {
    return namespaceSortKey(namespace, this.options.namespaced);
  }

  /** The next request, not taken; undefined when there are no more. */
  async peek(): Promise<ProvisionTarget | undefined> {
    if (this.index < this.page.length) return this.page[this.index];
    if (this.exhausted) return undefined;
    await this.finishPage();
    const { read, namespaced, pageSize } = this.options;
    this.page = await read({
      order: namespaced ? 'key' : 'name',
      after: this.after,
      limit: pageSize,
    });
    this.index = 0;
    if (this.page.length < pageSize) this.exhausted = true;
    if (this.page.length === 0) return undefined;
    this.after = this.sortKey(this.page[this.page.length - 1].namespace);
    await this.options.onPage?.(this.page);
    return this.page[0];
  }

  take(): void {
    this.index += 1;
  }

  /** Takes every request that sorts before `sortKey` (all that are left without), one at a time. */
  async *before(sortKey?: string): AsyncGenerator<ProvisionTarget> {
    for (let next = await this.peek(); next; next = await this.peek()) {
      if (
        sortKey !== undefined &&
        compareKeys(this.sortKey(next.namespace), sortKey) >= 0
      ) {
        return;
      }
      this.take();
      yield next;
    }
  }

  /** Ends the last page. */
  async close(): Promise<void> {
    await this.finishPage();
  }

  private async finishPage(): Promise<void> {
    const done = this.page;
    this.page = [];
    if (done.length) await this.options.onPageDone?.(done);
  }
}
