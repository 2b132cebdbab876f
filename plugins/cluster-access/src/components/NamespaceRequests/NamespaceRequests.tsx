import { useState } from 'react';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { firstLoadView } from '../AsyncContent';
import { DecisionButtons } from './DecisionButtons';
import { DecisionDialog } from './DecisionDialog';
import { RequestDetailsDialog } from './RequestDetailsDialog';
import { RequestsTable } from './RequestsTable';
import { Decision } from './types';
import { useLinkedRequest, useRequestLists } from './useRequestLists';
import { WithdrawButton } from './WithdrawButton';

const tables = [
  {
    list: 'pending',
    title: 'Waiting for a decision',
    emptyText: 'No request is waiting for a decision.',
  },
  {
    list: 'mine',
    title: 'Your requests',
    emptyText: 'You have not requested a namespace yet.',
  },
  {
    list: 'decided',
    title: 'Recently decided by you',
    emptyText: '',
  },
] as const;

/** Withdraw for the requester, Approve and Reject for those who may decide. */
const RequestActions = (props: {
  request: NamespaceRequest;
  userEntityRef?: string;
  onDecide: (request: NamespaceRequest, decision: Decision) => void;
  onWithdrawn: (request: NamespaceRequest) => void;
}) => (
  <>
    <WithdrawButton
      request={props.request}
      userEntityRef={props.userEntityRef}
      onWithdrawn={props.onWithdrawn}
    />
    <DecisionButtons
      request={props.request}
      userEntityRef={props.userEntityRef}
      onDecide={props.onDecide}
    />
  </>
);

/** The three lists; the last one only for people who have decided. */
const RequestLists = (props: {
  lists?: Record<(typeof tables)[number]['list'], NamespaceRequest[]>;
  userEntityRef?: string;
  onDetails: (request: NamespaceRequest) => void;
  onDecide: (request: NamespaceRequest, decision: Decision) => void;
}) => (
  <>
    {tables.map(table => {
      const requests = props.lists?.[table.list] ?? [];
      if (table.list === 'decided' && requests.length === 0) return null;
      return (
        <Grid item xs={12} key={table.list}>
          <RequestsTable
            title={table.title}
            requests={requests}
            emptyText={table.emptyText}
            userEntityRef={props.userEntityRef}
            onDetails={props.onDetails}
            onDecide={props.onDecide}
          />
        </Grid>
      );
    })}
  </>
);

/**
 * The "Requests" tab: the pending requests (with Approve and Reject for
 * those the user may decide), the user's own requests (with Withdraw while
 * pending) and what the user decided recently, each with its details and
 * history. `?request=<id>` (the link in notifications) opens that request.
 * The lists follow the backend's signals instead of polling.
 */
export const NamespaceRequests = () => {
  const currentUser = useCurrentUser();
  const lists = useRequestLists();
  const linked = useLinkedRequest();
  const [details, setDetails] = useState<NamespaceRequest>();
  const [deciding, setDeciding] = useState<{
    request: NamespaceRequest;
    decision: Decision;
  }>();
  const [done, setDone] = useState<NamespaceRequest>();

  const waiting = firstLoadView({
    states: [lists, currentUser],
    deniedWhat: 'see namespace requests',
  });
  if (waiting) return waiting;
  const userEntityRef = currentUser.user?.userEntityRef;
  const onDecide = (request: NamespaceRequest, decision: Decision) => {
    setDone(undefined);
    setDeciding({ request, decision });
  };
  const closeDetails = () => {
    setDetails(undefined);
    linked.clear();
  };
  const shown = details ?? (linked.id ? linked.request.value : undefined);

  return (
    <Grid container spacing={3}>
      {done && (
        <Grid item xs={12}>
          <Alert severity="success" onClose={() => setDone(undefined)}>
            {doneLabel(done)} {done.namespace} on {done.cluster}.
          </Alert>
        </Grid>
      )}
      {linked.id && <LinkedRequestError error={linked.request.error} />}
      <RequestLists
        lists={lists.value}
        userEntityRef={userEntityRef}
        onDetails={setDetails}
        onDecide={onDecide}
      />
      {shown && !deciding && (
        <RequestDetailsDialog
          request={shown}
          onClose={closeDetails}
          actions={
            <RequestActions
              request={shown}
              userEntityRef={userEntityRef}
              onDecide={onDecide}
              onWithdrawn={request => {
                closeDetails();
                setDone(request);
                lists.retry();
              }}
            />
          }
        />
      )}
      {deciding && (
        <DecisionDialog
          {...deciding}
          onClose={() => setDeciding(undefined)}
          onDecided={request => {
            setDeciding(undefined);
            closeDetails();
            setDone(request);
            lists.retry();
          }}
        />
      )}
    </Grid>
  );
};

/** Why the request of a `?request=` link did not open, if it did not. */
function LinkedRequestError(props: { error?: Error }) {
  if (!props.error) return null;
  return (
    <Grid item xs={12}>
      <Alert severity="warning">
        The request of that link could not be opened: {props.error.message}
      </Alert>
    </Grid>
  );
}

function doneLabel(request: NamespaceRequest): string {
  if (request.status === 'rejected') return 'Rejected';
  if (request.status === 'withdrawn') return 'Withdrew';
  return 'Approved';
}
