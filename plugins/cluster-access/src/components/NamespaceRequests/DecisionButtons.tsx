import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import { isSameEntityRef } from '../../lib/entityRefs';
import { PermittedDecisionButtons } from './PermittedDecisionButtons';
import { Decision } from './types';

/**
 * Approve and Reject for a pending request that someone else filed: the
 * backend refuses self-approval whatever the policy says, so the requester
 * never sees them, and no permission is asked for other requests.
 */
export const DecisionButtons = (props: {
  request: NamespaceRequest;
  userEntityRef?: string;
  onDecide: (request: NamespaceRequest, decision: Decision) => void;
}) => {
  const { request, userEntityRef, onDecide } = props;
  if (
    request.status !== 'pending' ||
    !userEntityRef ||
    isSameEntityRef(request.requester, userEntityRef)
  ) {
    return null;
  }
  return <PermittedDecisionButtons request={request} onDecide={onDecide} />;
};
