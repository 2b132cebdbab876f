import { NamespaceRequest } from '@cluster-access/plugin-cluster-access-common';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';

/** The banner after asking to delete a namespace. */
export const DeletionFiled = (props: {
  request: NamespaceRequest;
  onClose: () => void;
}) => (
  <Grid item xs={12}>
    <Alert severity="success" onClose={props.onClose}>
      Deletion of {props.request.namespace} requested; it waits for an approver.
    </Alert>
  </Grid>
);
