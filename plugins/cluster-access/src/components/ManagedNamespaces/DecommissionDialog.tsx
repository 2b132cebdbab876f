import { useApi } from '@backstage/core-plugin-api';
import {
  ManagedNamespace,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import { clusterAccessApiRef } from '../../api';
import { CommentDialog } from '../CommentDialog';

/** Asks for confirmation, explaining that an approver still has to agree. */
export const DecommissionDialog = (props: {
  namespace: ManagedNamespace;
  onClose: () => void;
  onFiled: (request: NamespaceRequest) => void;
}) => {
  const { namespace, onClose, onFiled } = props;
  const api = useApi(clusterAccessApiRef);

  const file = async (reason: string) => {
    onFiled(
      await api.decommissionNamespace({
        cluster: namespace.cluster,
        name: namespace.name,
        reason: reason || undefined,
      }),
    );
  };

  return (
    <CommentDialog
      title={`Decommission ${namespace.name}?`}
      field={{
        id: 'cluster-access-decommission-reason',
        label: 'Reason (optional)',
      }}
      action={{ label: 'Ask for deletion', color: 'secondary' }}
      onSubmit={file}
      onClose={onClose}
    >
      This asks for namespace <code>{namespace.name}</code> on{' '}
      {namespace.cluster} to be deleted. Nothing happens until an approver
      approves the request; then the namespace and everything in it (workloads,
      volumes, secrets) is deleted, and that cannot be undone.
    </CommentDialog>
  );
};
