import { ObservedBinding } from './access';

/**
 * The changes one reconcile pass makes to the recorded bindings. Unchanged rows are not in it, so a quiet pass writes nothing.
 *
 * @public
 */
export interface ObservedBindingChanges {
  insert: ObservedBinding[];
  remove: ObservedBinding[];
  /** Rows whose flag changed: `flaggedAt` set, or absent to clear it. */
  update: ObservedBinding[];
}

/**
 * Where the access view keeps what the reconciler saw of RoleBindings in
 * managed namespaces: those made outside Cluster Access, and its own
 * members' bindings. Shared by every replica: the reconciler (one
 * replica at a time) writes, routes read.
 *
 * @public
 */
export interface NamespaceAccessStore {
  /** The recorded bindings of the given create requests. */
  listBindings(requestIds: string[]): Promise<ObservedBinding[]>;

  /** Applies one pass's changes in one transaction. */
  saveBindings(changes: ObservedBindingChanges): Promise<void>;
}
