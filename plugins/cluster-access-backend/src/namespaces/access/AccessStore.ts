import { ObservedBinding } from './access';

/**
 * The changes one reconcile pass makes to the recorded bindings. Unchanged rows are not in it, so a quiet pass writes nothing.
 *
 * @internal
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
 * replica at a time) writes, routes read; provisioning and member changes,
 * on any replica, record the members' bindings they have just applied or
 * deleted, which the reconciler's next pass confirms or corrects.
 *
 * @internal
 */
export interface NamespaceAccessStore {
  /** The recorded bindings of the given create requests. */
  listBindings(requestIds: string[]): Promise<ObservedBinding[]>;

  /** Applies one pass's changes in one transaction. */
  saveBindings(changes: ObservedBindingChanges): Promise<void>;

  /**
   * Records RoleBindings of Cluster Access's own (`managed` rows) as they
   * were just applied: each binding's rows replace any earlier rows of that
   * binding (another subject, a role, a flag), keeping when it was first
   * seen. Safe to repeat.
   */
  recordAppliedBindings(rows: ObservedBinding[]): Promise<void>;

  /** Forgets every row of the named RoleBindings of one namespace, just deleted. */
  forgetBindings(requestId: string, bindings: string[]): Promise<void>;
}
