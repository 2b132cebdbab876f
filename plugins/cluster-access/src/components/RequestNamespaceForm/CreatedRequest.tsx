import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useInterval from 'react-use/esm/useInterval';
import { clusterAccessApiRef } from '../../api';
import { useClusterAccessSignals } from '../../hooks/useClusterAccessSignals';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { RequestStatusChip } from '../RequestStatusChip';
import { SubmitError } from '../SubmitError';
import { Approvers } from './Approvers';
import { NextStep } from './NextStep';

/** How often a request being provisioned is read again. */
const FOLLOW_INTERVAL_MS = 2000;

/** Who has to approve a pending request before the namespace is made. */
const WaitingFor = (props: { approvers?: string[] }) =>
  props.approvers?.length ? (
    <>
      It waits for <Approvers refs={props.approvers} /> to approve it; then the
      namespace is made.
    </>
  ) : (
    <>An approver has to approve it before the namespace is made.</>
  );

/** The request just filed, with its status and where to follow it. */
export const CreatedRequest = (props: {
  request: NamespaceRequest;
  /** The approvers of the request's tier, if it names any. */
  approvers?: string[];
  onAnother: () => void;
}) => {
  const api = useApi(clusterAccessApiRef);
  const requestsLink = usePageTabLink('requests');
  // The answer to the POST shows until Refresh (or following) reads it again.
  const [current, refresh] = useAsyncFn(
    () => api.getRequest({ id: props.request.id }),
    [api, props.request.id],
  );
  const request = current.value ?? props.request;
  // The backend signals every change of the request (approved, ready,
  // failed), so the card follows it without a click or a reload.
  const live = useClusterAccessSignals(
    signal => signal.requestId === props.request.id,
    refresh,
  );
  // Apps without signals: poll while the backend is making the namespace; a
  // request waiting for an approver can wait for hours, so that one is not
  // polled.
  const inProgress =
    request.status === 'approved' || request.status === 'provisioning';
  useInterval(
    refresh,
    !live && inProgress && !current.loading ? FOLLOW_INTERVAL_MS : null,
  );
  return (
    <InfoCard title="Request filed">
      <Alert severity="success">
        You asked for namespace <strong>{request.namespace}</strong> on{' '}
        <strong>{request.cluster}</strong>.
      </Alert>
      <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="body2">Status:</Typography>
        <RequestStatusChip status={request.status} />
      </Box>
      <Box mt={1}>
        {request.status === 'ready' ? (
          <NextStep namespace={request.namespace} />
        ) : (
          <Typography variant="body2">
            {request.status === 'pending' ? (
              <WaitingFor approvers={props.approvers} />
            ) : (
              'The namespace is made in the background; it is ready when the status says so.'
            )}
          </Typography>
        )}
        {request.error && (
          <Typography variant="body2" color="error">
            {request.error}
          </Typography>
        )}
      </Box>
      <SubmitError error={current.error} />
      <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
        <Button
          variant="outlined"
          onClick={() => refresh()}
          disabled={current.loading}
        >
          Refresh status
        </Button>
        <Button onClick={props.onAnother}>Request another namespace</Button>
        {requestsLink && <Link to={requestsLink}>See all your requests</Link>}
      </Box>
    </InfoCard>
  );
};
