import Alert from '@material-ui/lab/Alert';
import Button from '@material-ui/core/Button';

/** "Showing only sandbox/payments-api-dev", when a link narrowed the tab. */
export const OnlyNamespaceBanner = (props: {
  namespaceKey: string;
  onShowAll: () => void;
}) => (
  <Alert
    severity="info"
    action={
      <Button color="inherit" size="small" onClick={props.onShowAll}>
        Show all
      </Button>
    }
  >
    Showing only {props.namespaceKey}.
  </Alert>
);
