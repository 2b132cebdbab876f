import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import Typography from '@material-ui/core/Typography';
import { formatDate } from '../../lib/dates';
import { RequestStatusChip } from '../RequestStatusChip';
import { Field } from './Field';
import { RequestHistory } from './RequestHistory';
import { NamespaceLink } from '../NamespaceLink';
import { RequestManifests } from '../RequestManifests';

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
            <NamespaceLink
              cluster={request.cluster}
              namespace={request.namespace}
            />{' '}
            on {request.cluster}
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
        <Typography variant="h6" component="h3" gutterBottom>
          Kubernetes objects
        </Typography>
        <RequestManifests requestId={request.id} />
      </Box>
      <Box mt={2}>
        <Typography variant="h6" component="h3">
          History
        </Typography>
        <RequestHistory requestId={request.id} />
      </Box>
    </>
  );
};
