import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Typography from '@material-ui/core/Typography';
import { isSameEntityRef } from '../../lib/entityRefs';
import { PermittedDecisionButtons } from './PermittedDecisionButtons';
import { Decision } from './types';

/**
 * Approve and Reject for a pending request that someone else filed: the
 * backend refuses self-approval whatever the policy says, so the requester
 * gets a word instead of the buttons (an approver looking at their own
 * request would otherwise wonder where they went), and no permission is
 * asked for other requests.
 */
export const DecisionButtons = (props: {
  request: NamespaceRequest;
  userEntityRef?: string;
  onDecide: (request: NamespaceRequest, decision: Decision) => void;
}) => {
  const { request, userEntityRef, onDecide } = props;
  if (request.status !== 'pending' || !userEntityRef) return null;
  if (isSameEntityRef(request.requester, userEntityRef)) {
    return (
      <Typography
        variant="caption"
        color="textSecondary"
        // Two lines, never squeezed: the actions column is the narrowest
        // on a phone, where the table scrolls sideways.
        style={{
          alignSelf: 'center',
          marginLeft: 4,
          width: '10rem',
          flexShrink: 0,
        }}
      >
        Your request — someone else decides
      </Typography>
    );
  }
  return <PermittedDecisionButtons request={request} onDecide={onDecide} />;
};
