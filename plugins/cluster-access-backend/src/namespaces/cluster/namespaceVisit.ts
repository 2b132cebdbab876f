/*
 * What a reconcile pass (clusterPass.ts) keeps of one namespace while the
 * list of a kind is in it, and how the RoleBindings it wrote there are held
 * against a later read of the members (settle).
 */
import { KubeObject } from '@cluster-access/plugin-cluster-access-node';
import { needsApply, objectKey } from './manifests';
import { ProvisionTarget } from './NamespaceProvisioner';

/** Marks a RoleBinding the pass deleted. */
export const DELETED = 'deleted';

/**
 * Rounds of settle per namespace: each one after the first runs only if a
 * member changed within milliseconds of the pass's last writes.
 */
export const SETTLE_ROUNDS = 3;

/** One namespace of the kind being listed, while the list is in it. */
export interface NamespaceVisit {
  namespace: string;
  request?: ProvisionTarget;
  /** Keys of our objects of this kind listed in it. */
  seen: Set<string>;
  desired?: Map<string, KubeObject>;
  /** Users who had one of our RoleBindings in it before the pass. */
  hadAccess: Set<string>;
  /** Namespaces only: its Namespace was listed, and is ours. */
  listed?: boolean;
  /** RoleBindings only: its members were read again, after the list (confirm). */
  confirmed?: boolean;
  /**
   * RoleBindings only: those the pass applied (as applied) or deleted
   * (`DELETED`), by key, since the members were last read (settle).
   */
  written: Map<string, KubeObject | typeof DELETED>;
}

export function visitOf(
  namespace: string,
  request?: ProvisionTarget,
): NamespaceVisit {
  return {
    namespace,
    request,
    seen: new Set(),
    hadAccess: new Set(),
    written: new Map(),
  };
}

/** A write that settle makes: a binding applied (again) or deleted again. */
export type SettleFix =
  | { apply: KubeObject; current?: KubeObject; remove?: undefined }
  | { remove: KubeObject };

/**
 * The RoleBindings written since the last read of the members that this
 * read disagrees with, and what each needs: deleted but wanted, applied
 * again; applied but no longer wanted, deleted again; applied but wanted
 * otherwise, applied as wanted.
 */
export function settleFixes(
  written: ReadonlyMap<string, KubeObject | typeof DELETED>,
  desired: KubeObject[],
): SettleFix[] {
  const wanted = new Map(desired.map(o => [objectKey(o), o]));
  const fixes: SettleFix[] = [];
  for (const [key, done] of written) {
    const want = wanted.get(key);
    if (done === DELETED) {
      if (want) fixes.push({ apply: want });
    } else if (!want) {
      fixes.push({ remove: done });
    } else if (needsApply(want, done)) {
      fixes.push({ apply: want, current: done });
    }
  }
  return fixes;
}
