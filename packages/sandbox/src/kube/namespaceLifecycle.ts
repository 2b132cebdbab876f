/*
 * Namespace lifecycle as kube-apiserver and the namespace controller run it: no new content
 * in a namespace that is missing or terminating (the NamespaceLifecycle admission plugin), and
 * deletion through `Terminating` (`pkg/registry/core/namespace/storage`), with the contents
 * and the namespace removed once the controller would have finished.
 */
import { conflict, forbiddenResource, notFound } from './errors';
import { gr, nowTimestamp } from './objects';
import { KubeObject, ResourceType, resourceTypes } from './resources';
import type { ObjectStore } from './store';

export const namespacesType = resourceTypes.find(
  t => t.group === '' && t.resource === 'namespaces',
)!;

/** Namespaces kube-apiserver refuses to delete. */
const undeletableNamespaces = new Set([
  'default',
  'kube-system',
  'kube-public',
]);

export class NamespaceLifecycle {
  private readonly pendingTerminations = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: ObjectStore,
    /** How long a deleted namespace stays `Terminating` (0: removed before DELETE returns). */
    private readonly terminationMs: number,
  ) {}

  /** Refuses content for a namespace that does not exist or is being terminated. */
  requireLive(type: ResourceType, namespace: string, name: string): void {
    const ns = this.store.peek(namespacesType, undefined, namespace);
    if (!ns) throw notFound(gr(namespacesType), namespace);
    if (!ns.metadata?.deletionTimestamp) return;
    const err = forbiddenResource(
      gr(type),
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
    err.details!.causes = [
      {
        reason: 'NamespaceTerminating',
        message: `namespace ${namespace} is being terminated`,
        field: 'metadata.namespace',
      },
    ];
    throw err;
  }

  /**
   * A DELETE of a namespace: sets deletionTimestamp and phase `Terminating`, then removes its
   * contents and itself after `terminationMs`. `admit` runs the validating admission of the
   * DELETE, after the check that the namespace may be deleted at all.
   */
  terminate(live: KubeObject, dryRun: boolean, admit: () => void): KubeObject {
    const name = live.metadata!.name!;
    if (undeletableNamespaces.has(name)) {
      throw forbiddenResource(
        gr(namespacesType),
        name,
        'this namespace may not be deleted',
      );
    }
    admit();
    if (live.metadata?.deletionTimestamp) {
      // A second DELETE while the namespace controller still has work to do.
      throw conflict(
        gr(namespacesType),
        name,
        'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
      );
    }
    const terminating = structuredClone(live);
    terminating.metadata!.deletionTimestamp = nowTimestamp();
    terminating.status = { phase: 'Terminating' };
    if (dryRun) return terminating;
    terminating.metadata!.resourceVersion = this.store.nextResourceVersion();
    if (this.terminationMs <= 0) {
      this.finalize(name);
    } else {
      this.store.put(namespacesType, terminating);
      const timer = setTimeout(() => {
        this.pendingTerminations.delete(timer);
        this.finalize(name);
      }, this.terminationMs);
      this.pendingTerminations.add(timer);
    }
    return terminating;
  }

  private finalize(name: string): void {
    this.store.removeNamespaceContents(resourceTypes, name);
    this.store.remove(namespacesType, undefined, name);
  }

  /** Stops pending namespace finalizations (server shutdown). */
  dispose(): void {
    for (const t of this.pendingTerminations) clearTimeout(t);
    this.pendingTerminations.clear();
  }
}
