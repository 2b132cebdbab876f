import { usePermission } from '@backstage/plugin-permission-react';
import {
  clusterAccessRequestApprovePermission,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import Button from '@material-ui/core/Button';
import { Decision } from './types';

/** Approve and Reject, when the policy allows deciding on this request. */
export const PermittedDecisionButtons = (props: {
  request: NamespaceRequest;
  onDecide: (request: NamespaceRequest, decision: Decision) => void;
}) => {
  const { request, onDecide } = props;
  // A resource permission: the policy may decide by tier, cluster or owner.
  const permission = usePermission({
    permission: clusterAccessRequestApprovePermission,
    resourceRef: request.id,
  });
  if (!permission.allowed) return null;
  return (
    <>
      <Button
        size="small"
        color="primary"
        onClick={() => onDecide(request, 'approve')}
        aria-label={`Approve ${request.namespace}`}
      >
        Approve
      </Button>
      <Button
        size="small"
        color="secondary"
        onClick={() => onDecide(request, 'reject')}
        aria-label={`Reject ${request.namespace}`}
      >
        Reject
      </Button>
    </>
  );
};
