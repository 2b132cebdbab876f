import { useApi } from '@backstage/core-plugin-api';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import { clusterAccessApiRef } from '../../api';
import { CommentDialog } from '../CommentDialog';
import { Decision } from './types';
import { EntityRefLink } from '@backstage/plugin-catalog-react';

/** Asks for the comment (required to reject) and sends the decision. */
export const DecisionDialog = (props: {
  request: NamespaceRequest;
  decision: Decision;
  onClose: () => void;
  onDecided: (request: NamespaceRequest) => void;
}) => {
  const { request, decision, onClose, onDecided } = props;
  const api = useApi(clusterAccessApiRef);
  const approve = decision === 'approve';
  const verb = approve ? 'Approve' : 'Reject';

  const send = async (comment: string) => {
    onDecided(
      approve
        ? await api.approveRequest({
            id: request.id,
            comment: comment || undefined,
          })
        : await api.rejectRequest({ id: request.id, comment }),
    );
  };

  return (
    <CommentDialog
      title={`${verb} ${request.namespace}?`}
      field={{
        id: 'cluster-access-decision-comment',
        label: approve ? 'Comment (optional)' : 'Comment',
        hint: approve ? undefined : 'Say why, so the requester can fix it.',
        required: !approve,
      }}
      action={{ label: verb, color: approve ? 'primary' : 'secondary' }}
      onSubmit={send}
      onClose={onClose}
    >
      <EntityRefLink entityRef={request.requester} hideIcon /> asks for
      namespace <code>{request.namespace}</code> on {request.cluster} for{' '}
      <EntityRefLink entityRef={request.owner} hideIcon /> ({request.tier}{' '}
      tier): “{request.reason}”.{' '}
      {approve
        ? 'Once approved, the namespace is made at once.'
        : 'The requester sees your comment.'}
    </CommentDialog>
  );
};
