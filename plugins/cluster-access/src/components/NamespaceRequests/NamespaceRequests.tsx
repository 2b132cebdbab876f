import { useState } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  clusterAccessRequestApprovePermission,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import { clusterAccessApiRef } from '../../api';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { isSameEntityRef } from '../../lib/entityRefs';
import { describeNamespaceError } from '../../lib/errors';
import { RequestDetails } from '../RequestDetails';
import { RequestStatusChip } from '../RequestStatusChip';

type Decision = 'approve' | 'reject';

const MAX_COMMENT_LENGTH = 2000;

const formatDate = (iso: string) => new Date(iso).toLocaleString();

/** Approve and Reject, when the policy allows deciding on this request. */
const PermittedDecisionButtons = (props: {
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

/**
 * Approve and Reject for a pending request that someone else filed: the
 * backend refuses self-approval whatever the policy says, so the requester
 * never sees them, and no permission is asked for other requests.
 */
const DecisionButtons = (props: {
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

/** Asks for the comment (required to reject) and sends the decision. */
const DecisionDialog = (props: {
  request: NamespaceRequest;
  decision: Decision;
  onClose: () => void;
  onDecided: (request: NamespaceRequest) => void;
}) => {
  const { request, decision, onClose, onDecided } = props;
  const api = useApi(clusterAccessApiRef);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const trimmed = comment.trim();
  const tooLong = trimmed.length > MAX_COMMENT_LENGTH;
  const missing = decision === 'reject' && !trimmed;
  const verb = decision === 'approve' ? 'Approve' : 'Reject';

  const send = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const decided =
        decision === 'approve'
          ? await api.approveRequest({
              id: request.id,
              comment: trimmed || undefined,
            })
          : await api.rejectRequest({ id: request.id, comment: trimmed });
      onDecided(decided);
    } catch (e) {
      setError(e as Error);
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="sm">
      <DialogTitle>
        {verb} {request.namespace}?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          {request.requester} asks for namespace{' '}
          <code>{request.namespace}</code> on {request.cluster} for{' '}
          {request.owner} ({request.tier} tier): “{request.reason}”.{' '}
          {decision === 'approve'
            ? 'Once approved, the namespace is made at once.'
            : 'The requester sees your comment.'}
        </DialogContentText>
        <TextField
          fullWidth
          multiline
          minRows={2}
          id="cluster-access-decision-comment"
          label={decision === 'approve' ? 'Comment (optional)' : 'Comment'}
          value={comment}
          onChange={e => setComment(e.target.value)}
          error={tooLong}
          helperText={
            tooLong
              ? `At most ${MAX_COMMENT_LENGTH} characters.`
              : decision === 'reject' && 'Say why, so the requester can fix it.'
          }
          disabled={busy}
        />
        {error && (
          <Box mt={2}>
            <ResponseErrorPanel
              error={error}
              title={describeNamespaceError(error)}
            />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={send}
          color={decision === 'approve' ? 'primary' : 'secondary'}
          disabled={busy || missing || tooLong}
        >
          {verb}
        </Button>
      </DialogActions>
    </Dialog>
  );
};

const RequestsTable = (props: {
  title: string;
  requests: NamespaceRequest[];
  emptyText: string;
  userEntityRef?: string;
  onDetails: (request: NamespaceRequest) => void;
  onDecide: (request: NamespaceRequest, decision: Decision) => void;
}) => {
  const { userEntityRef, onDetails, onDecide } = props;
  const columns: TableColumn<NamespaceRequest>[] = [
    {
      title: 'Namespace',
      field: 'namespace',
      render: r => (
        <>
          <code>{r.namespace}</code>
          {r.kind === 'decommission' && (
            <Chip
              size="small"
              label="Delete"
              variant="outlined"
              style={{ marginLeft: 8 }}
            />
          )}
        </>
      ),
    },
    {
      title: 'Status',
      field: 'status',
      render: r => <RequestStatusChip status={r.status} />,
    },
    {
      title: 'Requester',
      field: 'requester',
      render: r => <EntityRefLink entityRef={r.requester} hideIcon />,
    },
    {
      title: 'Owner',
      field: 'owner',
      render: r => <EntityRefLink entityRef={r.owner} hideIcon />,
    },
    { title: 'Tier', field: 'tier' },
    { title: 'Cluster', field: 'cluster' },
    {
      title: 'Created',
      field: 'createdAt',
      defaultSort: 'desc',
      render: r => formatDate(r.createdAt),
    },
    {
      title: 'Actions',
      sorting: false,
      render: r => (
        <Box display="flex" flexWrap="nowrap">
          <Button
            size="small"
            onClick={() => onDetails(r)}
            aria-label={`Details of ${r.namespace}`}
          >
            Details
          </Button>
          <DecisionButtons
            request={r}
            userEntityRef={userEntityRef}
            onDecide={onDecide}
          />
        </Box>
      ),
    },
  ];
  return (
    <Table<NamespaceRequest>
      title={props.title}
      options={{ search: true, paging: true, pageSize: 10, padding: 'dense' }}
      columns={columns}
      data={props.requests}
      emptyContent={<Box p={2}>{props.emptyText}</Box>}
    />
  );
};

/**
 * The "Requests" tab: the pending requests (with Approve and Reject for
 * those the user may decide) and the user's own requests, each with its
 * details and history.
 */
export const NamespaceRequests = () => {
  const api = useApi(clusterAccessApiRef);
  const currentUser = useCurrentUser();
  const [version, setVersion] = useState(0);
  const lists = useAsync(async () => {
    const [pending, mine] = await Promise.all([
      api.listRequests({ status: ['pending'] }),
      api.listRequests({ mine: true }),
    ]);
    return { pending, mine };
  }, [api, version]);
  const [details, setDetails] = useState<NamespaceRequest>();
  const [deciding, setDeciding] = useState<{
    request: NamespaceRequest;
    decision: Decision;
  }>();
  const [decided, setDecided] = useState<NamespaceRequest>();

  // Only the first load shows a spinner; reloads keep the tables in place.
  if ((lists.loading && !lists.value) || currentUser.loading) {
    return <Progress />;
  }
  const error = lists.error ?? currentUser.error;
  if (error) {
    return (
      <ResponseErrorPanel error={error} title={describeNamespaceError(error)} />
    );
  }
  const userEntityRef = currentUser.user?.userEntityRef;
  const onDecide = (request: NamespaceRequest, decision: Decision) => {
    setDecided(undefined);
    setDeciding({ request, decision });
  };

  return (
    <Grid container spacing={3}>
      {decided && (
        <Grid item xs={12}>
          <Alert severity="success" onClose={() => setDecided(undefined)}>
            {decided.status === 'rejected' ? 'Rejected' : 'Approved'}{' '}
            {decided.namespace} on {decided.cluster}.
          </Alert>
        </Grid>
      )}
      <Grid item xs={12}>
        <RequestsTable
          title="Waiting for a decision"
          requests={lists.value?.pending ?? []}
          emptyText="No request is waiting for a decision."
          userEntityRef={userEntityRef}
          onDetails={setDetails}
          onDecide={onDecide}
        />
      </Grid>
      <Grid item xs={12}>
        <RequestsTable
          title="Your requests"
          requests={lists.value?.mine ?? []}
          emptyText="You have not requested a namespace yet."
          userEntityRef={userEntityRef}
          onDetails={setDetails}
          onDecide={onDecide}
        />
      </Grid>
      {details && (
        <Dialog
          open
          onClose={() => setDetails(undefined)}
          fullWidth
          maxWidth="md"
        >
          <DialogTitle>
            {details.kind === 'decommission' ? 'Deletion of' : 'Request for'}{' '}
            {details.namespace}
          </DialogTitle>
          <DialogContent>
            <RequestDetails request={details} />
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setDetails(undefined)}>Close</Button>
          </DialogActions>
        </Dialog>
      )}
      {deciding && (
        <DecisionDialog
          request={deciding.request}
          decision={deciding.decision}
          onClose={() => setDeciding(undefined)}
          onDecided={request => {
            setDeciding(undefined);
            setDecided(request);
            setVersion(v => v + 1);
          }}
        />
      )}
    </Grid>
  );
};
