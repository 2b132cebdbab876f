import { ReactNode } from 'react';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import { Theme } from '@material-ui/core/styles';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { RequestDetails } from '../RequestDetails';
import { RowActionsAsButtons } from '../RowAction';

/**
 * One request's details and history, over the tables; the whole screen on a
 * phone, where a floating dialog leaves the details a sliver.
 */
export const RequestDetailsDialog = (props: {
  request: NamespaceRequest;
  onClose: () => void;
  /** What the user may do with it (approve, reject, withdraw). */
  actions?: ReactNode;
}) => {
  const { request, onClose, actions } = props;
  const phone = useMediaQuery((theme: Theme) => theme.breakpoints.down('xs'));
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="md" fullScreen={phone}>
      <DialogTitle>
        {request.kind === 'decommission' ? 'Deletion of' : 'Request for'}{' '}
        {request.namespace}
      </DialogTitle>
      <DialogContent>
        <RequestDetails request={request} />
      </DialogContent>
      <DialogActions>
        <RowActionsAsButtons.Provider value>
          {actions}
        </RowActionsAsButtons.Provider>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
};
