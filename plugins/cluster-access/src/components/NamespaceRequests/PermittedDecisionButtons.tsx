import { usePermission } from '@backstage/plugin-permission-react';
import {
  clusterAccessRequestApprovePermission,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import CheckIcon from '@material-ui/icons/Check';
import CloseIcon from '@material-ui/icons/Close';
import { RowAction } from '../RowAction';
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
      <RowAction
        title="Approve"
        label={`Approve ${request.namespace}`}
        icon={<CheckIcon />}
        color="primary"
        onClick={() => onDecide(request, 'approve')}
      />
      <RowAction
        title="Reject"
        label={`Reject ${request.namespace}`}
        icon={<CloseIcon />}
        color="secondary"
        onClick={() => onDecide(request, 'reject')}
      />
    </>
  );
};
