import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';

/** A row's actions: Members always, Decommission when allowed. */
export const NamespaceActions = (props: {
  namespace: ManagedNamespace;
  canDecommission: boolean;
  onMembers: () => void;
  onDecommission: () => void;
}) => {
  const { namespace, canDecommission, onMembers, onDecommission } = props;
  return (
    <Box display="flex" flexDirection="column" alignItems="flex-start">
      <Button
        size="small"
        style={{ whiteSpace: 'nowrap' }}
        onClick={onMembers}
        aria-label={`Members of ${namespace.name}`}
      >
        Members
      </Button>
      {canDecommission && (
        <Button
          size="small"
          color="secondary"
          style={{ whiteSpace: 'nowrap' }}
          onClick={onDecommission}
          aria-label={`Decommission ${namespace.name}`}
        >
          Decommission
        </Button>
      )}
    </Box>
  );
};
