import { ReactNode } from 'react';
import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import { PluginDialog } from '../PluginDialog';
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
  return (
    <PluginDialog onClose={onClose} maxWidth="md" fullScreenOnPhone>
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
    </PluginDialog>
  );
};
