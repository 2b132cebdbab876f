import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { changesNamespaces } from '../../hooks/useClusterAccessSignals';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { firstLoadView } from '../AsyncContent';
import { DecisionButtons } from './DecisionButtons';
import { DecisionDialog } from './DecisionDialog';
import { RequestDetailsDialog } from './RequestDetailsDialog';
import { RequestsTable } from './RequestsTable';
import { Decision } from './types';
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

/** How many of the user's own decisions the last list shows. */
const RECENT_DECISIONS = 10;

/**
 * The "Requests" tab: the pending requests (with Approve and Reject for
 * those the user may decide), the user's own requests (with Withdraw while
 * pending) and what the user decided recently, each with its details and
 * history. `?request=<id>` (the link in notifications) opens that request.
 * The lists follow the backend's signals instead of polling.
 */
export const NamespaceRequests = () => {
  const currentUser = useCurrentUser();
  const lists = useClusterAccessApi(
    async api => {
      const [pending, mine, decided] = await Promise.all([
        api.listRequests({ status: ['pending'] }),
        api.listRequests({ mine: true }),
        api.listRequests({ decidedByMe: true, limit: RECENT_DECISIONS }),
      ]);
      return { pending, mine, decided };
    },
    [],
    { liveOn: changesNamespaces },
  );
  const [params, setParams] = useSearchParams();
  const linkedId = params.get('request') ?? undefined;
  const linked = useClusterAccessApi(
    async api => (linkedId ? api.getRequest({ id: linkedId }) : undefined),
    [linkedId],
    { liveOn: signal => signal.requestId === linkedId },
  );
  const [details, setDetails] = useState<NamespaceRequest>();
  const [deciding, setDeciding] = useState<{
    request: NamespaceRequest;
    decision: Decision;
  }>();
  const [done, setDone] = useState<NamespaceRequest>();

  const waiting = firstLoadView({ states: [lists, currentUser] });
  if (waiting) return waiting;
  const userEntityRef = currentUser.user?.userEntityRef;
  const onDecide = (request: NamespaceRequest, decision: Decision) => {
    setDone(undefined);
    setDeciding({ request, decision });
  };
  const closeDetails = () => {
    setDetails(undefined);
    if (linkedId) {
      params.delete('request');
      setParams(params, { replace: true });
    }
  };
  const shown = details ?? (linkedId ? linked.value : undefined);

  return (
    <Grid container spacing={3}>
      {done && (
        <Grid item xs={12}>
          <Alert severity="success" onClose={() => setDone(undefined)}>
            {doneLabel(done)} {done.namespace} on {done.cluster}.
          </Alert>
        </Grid>
      )}
      {linkedId && linked.error && (
        <Grid item xs={12}>
          <Alert severity="warning">
            The request of that link could not be opened: {linked.error.message}
          </Alert>
        </Grid>
      )}
      {tables.map(table => {
        const requests = lists.value?.[table.list] ?? [];
        // Most people never decide; the list shows only for those who do.
        if (table.list === 'decided' && requests.length === 0) return null;
        return (
          <Grid item xs={12} key={table.list}>
            <RequestsTable
              title={table.title}
              requests={requests}
              emptyText={table.emptyText}
              userEntityRef={userEntityRef}
              onDetails={setDetails}
              onDecide={onDecide}
            />
          </Grid>
        );
      })}
      {shown && !deciding && (
        <RequestDetailsDialog
          request={shown}
          onClose={closeDetails}
          actions={
            <>
              <WithdrawButton
                request={shown}
                userEntityRef={userEntityRef}
                onWithdrawn={request => {
                  closeDetails();
                  setDone(request);
                  lists.retry();
                }}
              />
              <DecisionButtons
                request={shown}
                userEntityRef={userEntityRef}
                onDecide={onDecide}
              />
            </>
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

function doneLabel(request: NamespaceRequest): string {
  if (request.status === 'rejected') return 'Rejected';
  if (request.status === 'withdrawn') return 'Withdrew';
  return 'Approved';
}
