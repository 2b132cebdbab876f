import { useState } from 'react';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { firstLoadView } from '../AsyncContent';
import { DecisionDialog } from './DecisionDialog';
import { RequestDetailsDialog } from './RequestDetailsDialog';
import { RequestsTable } from './RequestsTable';
import { Decision } from './types';

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
] as const;

/**
 * The "Requests" tab: the pending requests (with Approve and Reject for
 * those the user may decide) and the user's own requests, each with its
 * details and history.
 */
export const NamespaceRequests = () => {
  const currentUser = useCurrentUser();
  const lists = useClusterAccessApi(async api => {
    const [pending, mine] = await Promise.all([
      api.listRequests({ status: ['pending'] }),
      api.listRequests({ mine: true }),
    ]);
    return { pending, mine };
  });
  const [details, setDetails] = useState<NamespaceRequest>();
  const [deciding, setDeciding] = useState<{
    request: NamespaceRequest;
    decision: Decision;
  }>();
  const [decided, setDecided] = useState<NamespaceRequest>();

  const waiting = firstLoadView({
    states: [lists, currentUser],
    deniedWhat: 'see namespace requests',
  });
  if (waiting) return waiting;
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
      {tables.map(table => (
        <Grid item xs={12} key={table.list}>
          <RequestsTable
            title={table.title}
            requests={lists.value?.[table.list] ?? []}
            emptyText={table.emptyText}
            userEntityRef={currentUser.user?.userEntityRef}
            onDetails={setDetails}
            onDecide={onDecide}
          />
        </Grid>
      ))}
      {details && (
        <RequestDetailsDialog
          request={details}
          onClose={() => setDetails(undefined)}
        />
      )}
      {deciding && (
        <DecisionDialog
          {...deciding}
          onClose={() => setDeciding(undefined)}
          onDecided={request => {
            setDeciding(undefined);
            setDecided(request);
            lists.retry();
          }}
        />
      )}
    </Grid>
  );
};
