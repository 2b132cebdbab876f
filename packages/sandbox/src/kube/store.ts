import { KubeObject, ResourceType } from './resources';

/** A change, as a watch reports it. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** `<group>/<resource>` of the object's kind. */
  typeKey: string;
  object: KubeObject;
  revision: number;
  /** The object before this change (etcd's prevKV); absent for ADDED. */
  previous?: KubeObject;
}

/** How many past events a watch may resume from (etcd keeps history until compaction). */
const HISTORY = 2000;

/** Identifies a kind in the store and in its events. */
export function typeKey(type: ResourceType): string {
  return `${type.group}/${type.resource}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** etcd orders keys by their bytes, not by locale: paging relies on the same order. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

const keyOfObject = (o: KubeObject) =>
  objectKey(o.metadata?.namespace, o.metadata?.name ?? '');

/**
 * The peer's in-memory etcd: objects per resource, and one cluster-wide resourceVersion
 * counter like etcd's revision. Everything handed in or out is a deep copy, so callers can
 * never mutate stored state by accident.
 */
export class ObjectStore {
  private revision = 0;
  private compactedRevision = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  /**
   * The same objects of namespaced kinds by kind and namespace, so that what is read per
   * namespace on every request (RoleBindings, quotas) costs what is in that namespace, not
   * what is in the cluster: etcd reads a key prefix the same way.
   */
  private readonly byNamespace = new Map<
    string,
    Map<string, Map<string, KubeObject>>
  >();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Changes after `revision`, oldest first; undefined when that revision was compacted or
   * fell out of the retained history (a watch must then answer 410).
   */
  eventsSince(revision: number): StoreEvent[] | undefined {
    const oldest = this.history[0]?.revision ?? this.revision + 1;
    if (revision < this.compactedRevision || revision < oldest - 1) {
      return revision >= this.revision ? [] : undefined;
    }
    return this.history.filter(e => e.revision > revision);
  }

  /** Forgets history up to now, like etcd compaction. */
  compact(): number {
    this.compactedRevision = this.revision;
    this.history.length = 0;
    return this.compactedRevision;
  }

  /**
   * The stored objects of `type` as they were at `revision`, sorted by key, shared (never
   * mutate them): the current ones with the retained changes after `revision` undone, as
   * etcd reads at an old revision. Undefined when that revision was compacted or its changes
   * fell out of the retained history (a list must then answer 410).
   */
  snapshot(
    type: ResourceType,
    namespace: string | undefined,
    revision: number,
  ): KubeObject[] | undefined {
    const inScope = (o: KubeObject) =>
      !type.namespaced ||
      namespace === undefined ||
      o.metadata?.namespace === namespace;
    const objects = new Map(this.scope(type, namespace));
    if (revision < this.revision) {
      const events = this.eventsSince(revision);
      if (!events) return undefined;
      const kind = typeKey(type);
      for (let i = events.length - 1; i >= 0; i--) {
        const event = events[i];
        if (event.typeKey !== kind || !inScope(event.object)) continue;
        const key = keyOfObject(event.object);
        if (event.previous) objects.set(key, event.previous);
        else objects.delete(key);
      }
    }
    return [...objects.keys()]
      .sort(compareKeys)
      .map(key => objects.get(key)!);
  }

  private emit(event: Omit<StoreEvent, 'object'> & { object: KubeObject }) {
    this.history.push(event);
    if (this.history.length > HISTORY) this.history.shift();
    for (const listener of this.listeners) listener(event);
  }

  /** Advances and returns the cluster revision, as a string like real resourceVersions. */
  nextResourceVersion(): string {
    this.revision += 1;
    return String(this.revision);
  }

  /** The current revision, used as a list's resourceVersion. */
  currentResourceVersion(): string {
    return String(this.revision);
  }

  /** The stored objects of `type` in `namespace` (all of them when undefined or cluster-scoped). */
  private scope(
    type: ResourceType,
    namespace: string | undefined,
  ): Map<string, KubeObject> {
    if (!type.namespaced || namespace === undefined) return this.bucket(type);
    return this.byNamespace.get(typeKey(type))?.get(namespace) ?? new Map();
  }

  private index(
    type: ResourceType,
    namespace: string,
  ): Map<string, KubeObject> {
    const kind = typeKey(type);
    let namespaces = this.byNamespace.get(kind);
    if (!namespaces) {
      namespaces = new Map();
      this.byNamespace.set(kind, namespaces);
    }
    let objects = namespaces.get(namespace);
    if (!objects) {
      objects = new Map();
      namespaces.set(namespace, objects);
    }
    return objects;
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = typeKey(type);
    let b = this.objects.get(key);
    if (!b) {
      b = new Map();
      this.objects.set(key, b);
    }
    return b;
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const obj = this.bucket(type).get(
      objectKey(type.namespaced ? namespace : undefined, name),
    );
    return obj ? structuredClone(obj) : undefined;
  }

  /** Objects of `type`, in `namespace` or in all namespaces, sorted by namespace then name. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    return this.view(type, namespace).map(obj => structuredClone(obj));
  }

  /**
   * The stored object itself, not a copy: for read-only callers on hot paths (authorization
   * and admission read RBAC objects and policies on every request). Never mutate it; stored
   * objects are replaced on write, so it stays as it was when read.
   */
  peek(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Readonly<KubeObject> | undefined {
    return this.bucket(type).get(
      objectKey(type.namespaced ? namespace : undefined, name),
    );
  }

  /** {@link ObjectStore.list} without copies, for read-only callers like {@link ObjectStore.peek}. */
  view(type: ResourceType, namespace?: string): ReadonlyArray<KubeObject> {
    return [...this.scope(type, namespace).values()].sort((a, b) =>
      compareKeys(keyOfObject(a), keyOfObject(b)),
    );
  }

  /** Counts objects of `type` in `namespace` without copying them (quota usage). */
  count(type: ResourceType, namespace: string): number {
    return type.namespaced ? this.scope(type, namespace).size : 0;
  }

  put(type: ResourceType, obj: KubeObject): void {
    const meta = obj.metadata ?? {};
    const bucket = this.bucket(type);
    const key = objectKey(
      type.namespaced ? meta.namespace : undefined,
      meta.name ?? '',
    );
    // Stored objects are replaced, never changed in place: the old one can be kept as is.
    const previous = bucket.get(key);
    const stored = structuredClone(obj);
    bucket.set(key, stored);
    if (type.namespaced)
      this.index(type, meta.namespace ?? '').set(key, stored);
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      typeKey: typeKey(type),
      // Shared with the store: events, like stored objects, are never changed in place.
      object: stored,
      revision: Number(meta.resourceVersion ?? this.revision),
      ...(previous ? { previous } : {}),
    });
  }

  /** Removes an object; a deletion is a revision of its own, as in etcd. */
  remove(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): boolean {
    const bucket = this.bucket(type);
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const obj = bucket.get(key);
    if (!obj) return false;
    bucket.delete(key);
    if (type.namespaced) {
      const namespaces = this.byNamespace.get(typeKey(type));
      const objects = namespaces?.get(namespace ?? '');
      objects?.delete(key);
      if (objects?.size === 0) namespaces!.delete(namespace ?? '');
    }
    const revision = Number(this.nextResourceVersion());
    const object = structuredClone(obj);
    object.metadata = { ...object.metadata, resourceVersion: String(revision) };
    this.emit({
      type: 'DELETED',
      typeKey: typeKey(type),
      object,
      revision,
      previous: obj,
    });
    return true;
  }

  /** Removes every namespaced object in `namespace`, as the namespace controller does. */
  removeNamespaceContents(types: ResourceType[], namespace: string): void {
    for (const type of types) {
      if (!type.namespaced) continue;
      for (const obj of this.list(type, namespace)) {
        this.remove(type, namespace, obj.metadata?.name ?? '');
      }
    }
  }
}
