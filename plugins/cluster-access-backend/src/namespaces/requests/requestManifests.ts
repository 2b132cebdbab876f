import {
  NamespaceRequestManifests,
  NamespaceRequestStatus,
} from '@cluster-access/plugin-cluster-access-common';
import { KubeObject } from '@cluster-access/plugin-cluster-access-node';
import { FIELD_MANAGER } from '../cluster/labels';
import { manifestsYaml, toManifest } from '../cluster/renderManifests';
import { StoredNamespaceRequest } from './NamespaceStore';

type ManifestState = NamespaceRequestManifests['state'];

/** Where a create request stands with the objects of its namespace. */
const CREATE_STATES: Record<NamespaceRequestStatus, ManifestState> = {
  pending: 'planned',
  approved: 'planned',
  provisioning: 'planned',
  ready: 'applied',
  failed: 'failed',
  rejected: 'not-applied',
  expired: 'not-applied',
  withdrawn: 'not-applied',
  decommissioning: 'deleting',
  deleted: 'deleted',
};

/**
 * Where a decommission request stands with the objects of the namespace it
 * deletes: they are in the cluster until it is done.
 */
function decommissionState(status: NamespaceRequestStatus): ManifestState {
  if (status === 'deleted') return 'deleted';
  if (['rejected', 'expired', 'withdrawn'].includes(status)) return 'applied';
  return 'deleting';
}

/**
 * The manifests of a request, for people: the objects as the API server
 * receives them, and the same as a YAML file with a header.
 *
 * @param request - The request asked about (create or decommission).
 * @param objects - The desired state of its namespace, as provisioning renders it.
 */
export function requestManifests(
  request: StoredNamespaceRequest,
  objects: KubeObject[],
): NamespaceRequestManifests {
  const state =
    request.kind === 'create'
      ? CREATE_STATES[request.status]
      : decommissionState(request.status);
  const items = objects.map(toManifest);
  const yaml = manifestsYaml(items, [
    `Namespace ${request.namespace} on cluster ${request.cluster}, owned by ${request.owner} (tier ${request.tier})`,
    `Rendered by Cluster Access for request ${request.id} (${request.kind}, ${request.status}).`,
    `Applied with server-side apply (field manager ${FIELD_MANAGER}); members as of rendering.`,
  ]);
  return {
    requestId: request.id,
    cluster: request.cluster,
    namespace: request.namespace,
    status: request.status,
    state,
    filename: `${request.cluster}-${request.namespace}.yaml`,
    items,
    yaml,
  };
}
