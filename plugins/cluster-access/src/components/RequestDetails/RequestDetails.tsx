import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { clusterAccessApiRef } from '../../api';
import { describeNamespaceError } from '../../lib/errors';
import { RequestStatusChip } from '../RequestStatusChip';

const formatDate = (iso: string) => new Date(iso).toLocaleString();

const Field = (props: { label: string; children: ReactNode }) => (
  <TableRow>
    <TableCell component="th" scope="row" style={{ width: '30%' }}>
      {props.label}
    </TableCell>
    <TableCell>{props.children}</TableCell>
  </TableRow>
);

/** The public history of one request, oldest first, as a timeline. */
const RequestHistory = (props: { requestId: string }) => {
  const api = useApi(clusterAccessApiRef);
  const { value, loading, error } = useAsync(
    () => api.listHistory({ request: props.requestId, limit: 100 }),
    [api, props.requestId],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel error={error} title={describeNamespaceError(error)} />
    );
  }
  if (!value?.length) {
    return <Typography variant="body2">Nothing recorded yet.</Typography>;
  }
  // The API answers newest first; a request's story reads better in order.
  const events = [...value].reverse();
  return (
    <List dense aria-label="Request history">
      {events.map(event => (
        <ListItem key={event.id} disableGutters>
          <ListItemText
            primary={event.message}
            secondary={`${formatDate(event.createdAt)} · ${event.type} · ${
              event.actor
            }`}
          />
        </ListItem>
      ))}
    </List>
  );
};

/**
 * Everything about one namespace request: what was asked, by whom and why,
 * the decision, provisioning progress, and its history.
 */
export const RequestDetails = (props: { request: NamespaceRequest }) => {
  const { request } = props;
  return (
    <>
      <Table size="small" aria-label="Request details">
        <TableBody>
          <Field label="Status">
            <RequestStatusChip status={request.status} />
          </Field>
          <Field label="Kind">
            {request.kind === 'decommission'
              ? 'Delete the namespace'
              : 'New namespace'}
          </Field>
          <Field label="Namespace">
            <code>{request.namespace}</code> on {request.cluster}
          </Field>
          <Field label="Owner">
            <EntityRefLink entityRef={request.owner} hideIcon />
          </Field>
          <Field label="Tier">{request.tier}</Field>
          <Field label="Requested by">
            <EntityRefLink entityRef={request.requester} hideIcon /> on{' '}
            {formatDate(request.createdAt)}
          </Field>
          <Field label="Reason">{request.reason}</Field>
          {request.decidedBy && (
            <Field
              label={
                request.status === 'rejected' ? 'Rejected by' : 'Approved by'
              }
            >
              {request.decidedBy === 'system' ? (
                'Approved automatically (the tier needs no approval)'
              ) : (
                <EntityRefLink entityRef={request.decidedBy} hideIcon />
              )}
              {request.decidedAt && ` on ${formatDate(request.decidedAt)}`}
              {request.decisionComment && `: “${request.decisionComment}”`}
            </Field>
          )}
          {request.status === 'pending' && request.expiresAt && (
            <Field label="Expires">{formatDate(request.expiresAt)}</Field>
          )}
          {request.error && (
            <Field label="Last error">
              <Typography variant="body2" color="error" component="span">
                {request.error}
              </Typography>
              {request.nextAttemptAt &&
                ` (next attempt ${formatDate(request.nextAttemptAt)})`}
            </Field>
          )}
        </TableBody>
      </Table>
      <Box mt={2}>
        <Typography variant="h6" component="h3">
          History
        </Typography>
        <RequestHistory requestId={request.id} />
      </Box>
    </>
  );
};
