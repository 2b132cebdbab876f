import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { AccessSection } from '../NamespaceAccess';

/**
 * The other ways into a namespace: RoleBindings its members made with
 * kubectl, as the reconciler last saw them, with outsiders flagged.
 */
export const KubectlBindings = (props: { namespace: ManagedNamespace }) => {
  const { cluster, name } = props.namespace;
  const bindings = useClusterAccessApi(
    async api =>
      (await api.listAccess({ cluster, namespace: name })).filter(
        entry => entry.via === 'binding',
      ),
    [cluster, name],
  );
  return (
    <AccessSection
      mt={2}
      heading="RoleBindings made with kubectl"
      access={bindings}
      label={`RoleBindings made with kubectl in ${name}`}
      emptyText="None, as of the last reconcile."
    />
  );
};
