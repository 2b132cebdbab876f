import { KubeObject, ResourceType } from './resources';

function typeKey(type: ResourceType): string {
  return `${type.group}/${type.resource}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * The peer's in-memory etcd: objects per resource, and one cluster-wide resourceVersion
 * counter like etcd's revision. Everything handed in or out is a deep copy, so callers can
 * never mutate stored state by accident.
 */
export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();

  /** Advances and returns the cluster revision, as a string like real resourceVersions. */
  nextResourceVersion(): string {
    this.revision += 1;
    return String(this.revision);
  }

  /** The current revision, used as a list's resourceVersion. */
  currentResourceVersion(): string {
    return String(this.revision);
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
    const out: KubeObject[] = [];
    for (const obj of this.bucket(type).values()) {
      if (
        !type.namespaced ||
        namespace === undefined ||
        obj.metadata?.namespace === namespace
      ) {
        out.push(structuredClone(obj));
      }
    }
    return out.sort((a, b) =>
      objectKey(a.metadata?.namespace, a.metadata?.name ?? '').localeCompare(
        objectKey(b.metadata?.namespace, b.metadata?.name ?? ''),
      ),
    );
  }

  /** Counts objects of `type` in `namespace` without copying them (quota usage). */
  count(type: ResourceType, namespace: string): number {
    let n = 0;
    for (const obj of this.bucket(type).values()) {
      if (obj.metadata?.namespace === namespace) n++;
    }
    return n;
  }

  put(type: ResourceType, obj: KubeObject): void {
    const meta = obj.metadata ?? {};
    this.bucket(type).set(
      objectKey(type.namespaced ? meta.namespace : undefined, meta.name ?? ''),
      structuredClone(obj),
    );
  }

  remove(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): boolean {
    return this.bucket(type).delete(
      objectKey(type.namespaced ? namespace : undefined, name),
    );
  }

  /** Removes every namespaced object in `namespace`, as the namespace controller does. */
  removeNamespaceContents(types: ResourceType[], namespace: string): void {
    for (const type of types) {
      if (!type.namespaced) continue;
      const b = this.bucket(type);
      for (const [key, obj] of b) {
        if (obj.metadata?.namespace === namespace) b.delete(key);
      }
    }
  }
}
