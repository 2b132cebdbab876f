import {
  ClusterClient,
  KubeObject,
} from '@cluster-access/plugin-cluster-access-node';
import { isOwnedBy, ProvisionTarget } from './NamespaceProvisioner';

/**
 * What must happen before a reconcile pass applies a desired object: a
 * Namespace deleted out of band is made again, but a namespace of the same
 * name that someone else created is never taken over; a RoleBinding whose
 * roleRef (immutable) points elsewhere is replaced.
 */
export async function prepareWrite(options: {
  client: ClusterClient;
  request: ProvisionTarget;
  object: KubeObject;
  /** The object as listed; undefined when it is missing. */
  current: KubeObject | undefined;
}): Promise<void> {
  const { client, request, object, current } = options;
  if (object.kind === 'Namespace' && !current) {
    const { created } = await client.create(object);
    if (!created) {
      const existing = await client.get({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: request.namespace,
      });
      if (!existing || !isOwnedBy(existing, request.id)) {
        throw new Error(
          `namespace exists without our ownership record; it is never adopted`,
        );
      }
    }
  }
  if (current && object.kind === 'RoleBinding') {
    const have = current.roleRef as { kind?: string; name?: string };
    const want = object.roleRef as { kind: string; name: string };
    if (have?.kind !== want.kind || have?.name !== want.name) {
      // roleRef is immutable: a binding pointing elsewhere is replaced.
      await client.delete({
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
      });
    }
  }
}
