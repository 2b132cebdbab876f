/*
 * What a reconcile pass did, as it is reported and written to the history:
 * the objects it repaired and, per namespace, who got or lost access. Kept
 * as the net effect of the pass, so a binding it deletes and makes again
 * within the pass (clusterPass.ts, settle) tells no one they lost access.
 */
import { KubeObject } from '@cluster-access/plugin-cluster-access-node';
import { ResolvedMembers } from '../members/members';
import { USER_ANNOTATION } from './labels';
import { objectKey } from './manifests';
import { ProvisionTarget } from './NamespaceProvisioner';
import {
  recordDriftRepairs,
  recordLeaverRemovals,
} from '../../metrics/metrics';

/** What one namespace got this pass, written to its history at the end. */
export interface NamespaceRepairs {
  request: ProvisionTarget;
  repaired: string[];
  granted: Set<string>;
  revoked: Set<string>;
}

/** What the pass did, for the report. */
export interface PassResult {
  /** Ready namespaces checked. */
  namespaces: number;
  applied: number;
  deleted: number;
  errors: string[];
  failedKinds: Set<string>;
  repairs: Map<string, NamespaceRepairs>;
}

export function emptyPassResult(): PassResult {
  return {
    namespaces: 0,
    applied: 0,
    deleted: 0,
    errors: [],
    failedKinds: new Set(),
    repairs: new Map(),
  };
}

function repairsOf(
  result: PassResult,
  request: ProvisionTarget,
): NamespaceRepairs {
  let entry = result.repairs.get(request.namespace);
  if (!entry) {
    entry = { request, repaired: [], granted: new Set(), revoked: new Set() };
    result.repairs.set(request.namespace, entry);
  }
  return entry;
}

const bindingUser = (object: KubeObject) =>
  object.kind === 'RoleBinding'
    ? object.metadata.annotations?.[USER_ANNOTATION]
    : undefined;

/** Notes an object the pass applied (`current`: as it was listed, if it was). */
export function recordApplied(
  result: PassResult,
  options: {
    request: ProvisionTarget;
    object: KubeObject;
    current: KubeObject | undefined;
    /** Users who had one of our RoleBindings in the namespace before the pass. */
    hadAccess: ReadonlySet<string>;
  },
): void {
  const { request, object, current, hadAccess } = options;
  result.applied += 1;
  recordDriftRepairs(request.cluster, object.kind);
  const entry = repairsOf(result, request);
  entry.repaired.push(
    `${objectKey(object)}${current ? ' (changed)' : ' (missing)'}`,
  );
  const user = bindingUser(object);
  if (!user) return;
  if (!hadAccess.has(user)) entry.granted.add(user);
  // Deleted earlier in this pass and made again (settle): they kept access.
  entry.revoked.delete(user);
}

/** Notes an object the pass deleted. */
export function recordRemoved(
  result: PassResult,
  options: {
    request: ProvisionTarget;
    object: KubeObject;
    /** The members the deletion was decided on. */
    membership: ResolvedMembers | undefined;
    /** It was missing when listed: the pass made it, and now undoes that. */
    madeThisPass: boolean;
  },
): void {
  const { request, object, membership, madeThisPass } = options;
  result.deleted += 1;
  const entry = repairsOf(result, request);
  entry.repaired.push(`${objectKey(object)} (removed)`);
  const user = bindingUser(object);
  const members = new Set(membership?.members.map(m => m.user));
  const left = user !== undefined && !members.has(user);
  if (left && !madeThisPass) {
    entry.revoked.add(user);
    recordLeaverRemovals(request.cluster, 'left_group');
    return;
  }
  // Made earlier in this pass and deleted again (settle): never got access.
  if (left) entry.granted.delete(user);
  recordDriftRepairs(request.cluster, object.kind);
}
