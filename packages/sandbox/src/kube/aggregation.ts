/*
 * The ClusterRole aggregation controller, run synchronously after every ClusterRole write:
 * a role with an aggregationRule gets the union of the rules of every role its selectors
 * match.
 */
import { KubeObject, resourceTypes } from './resources';
import {
  LabelSelectorObject,
  matchesLabels,
  requirementsFromSelector,
} from './selectors';
import { deepEqual } from './ssa';
import type { ObjectStore } from './store';

export const clusterRolesType = resourceTypes.find(
  t => t.group === 'rbac.authorization.k8s.io' && t.resource === 'clusterroles',
)!;

/** The rules an aggregated role should have now; undefined for a role that aggregates none. */
function aggregatedRules(
  store: ObjectStore,
  role: KubeObject,
  roles: KubeObject[],
): unknown[] | undefined {
  const rule = role.aggregationRule as
    | { clusterRoleSelectors?: LabelSelectorObject[] }
    | undefined;
  if (!rule?.clusterRoleSelectors) return undefined;
  const rules: unknown[] = [];
  for (const selector of rule.clusterRoleSelectors) {
    const reqs = requirementsFromSelector(selector);
    if (reqs.length === 0) continue;
    for (const other of roles) {
      if (other.metadata?.name === role.metadata?.name) continue;
      if (!matchesLabels(reqs, other.metadata?.labels)) continue;
      // Read the stored role: an earlier pass of this loop may have aggregated into it.
      const current = store.get(
        clusterRolesType,
        undefined,
        other.metadata!.name!,
      )!;
      for (const r of (current.rules as unknown[]) ?? []) {
        if (!rules.some(x => deepEqual(x, r))) rules.push(r);
      }
    }
  }
  return rules;
}

export function aggregateClusterRoles(store: ObjectStore): void {
  // Aggregated roles may feed each other (view → edit → admin), so iterate to a fixpoint.
  for (let pass = 0; pass < 5; pass++) {
    let changed = false;
    const roles = store.list(clusterRolesType);
    for (const role of roles) {
      const rules = aggregatedRules(store, role, roles);
      if (!rules) continue;
      const live = store.get(
        clusterRolesType,
        undefined,
        role.metadata!.name!,
      )!;
      if (!deepEqual(live.rules ?? [], rules)) {
        live.rules = rules;
        live.metadata!.resourceVersion = store.nextResourceVersion();
        store.put(clusterRolesType, live);
        changed = true;
      }
    }
    if (!changed) return;
  }
}
