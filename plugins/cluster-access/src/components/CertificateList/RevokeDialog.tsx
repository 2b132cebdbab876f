import { CertificateRecord } from '@cluster-access/plugin-cluster-access-common';
import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { formatDate } from '../../lib/dates';
import { PluginDialog } from '../PluginDialog';

/**
 * Asks before revoking, and says what revoking does not do: API servers do
 * not check revocation.
 */
export const RevokeDialog = (props: {
  certificate?: CertificateRecord;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) => {
  const { certificate, busy, onCancel, onConfirm } = props;
  return (
    <PluginDialog
      open={!!certificate}
      onClose={onCancel}
      busy={busy}
      fullWidth={false}
    >
      <DialogTitle>Revoke certificate?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Certificate{' '}
          <code style={{ overflowWrap: 'anywhere' }}>
            {certificate?.serialNumber}
          </code>{' '}
          will be marked revoked in Vault and in the history. Kubernetes API
          servers do not check revocation, so it keeps working on the clusters
          until it expires
          {certificate ? ` (${formatDate(certificate.expiresAt)})` : ''}: delete
          the kubeconfig that holds its key, too.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button onClick={onConfirm} color="secondary" disabled={busy}>
          Revoke
        </Button>
      </DialogActions>
    </PluginDialog>
  );
};
