import { ReactNode } from 'react';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import { RequestDetails } from '../RequestDetails';

/** One request's details and history, over the tables. */
export const RequestDetailsDialog = (props: {
  request: NamespaceRequest;
  onClose: () => void;
  /** What the user may do with it (approve, reject, withdraw). */
  actions?: ReactNode;
}) => {
  const { request, onClose, actions } = props;
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md">
      <DialogTitle>
        {request.kind === 'decommission' ? 'Deletion of' : 'Request for'}{' '}
        {request.namespace}
      </DialogTitle>
      <DialogContent>
        <RequestDetails request={request} />
      </DialogContent>
      <DialogActions>
        {actions}
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
};
