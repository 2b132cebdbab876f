import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ManagedNamespace } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { clusterAccessApiRef } from '../../api';
import { describeNamespaceError } from '../../lib/errors';
import { NamespaceAccessList } from '../NamespaceAccess';

/**
 * The other ways into a namespace: RoleBindings its members made with
 * kubectl, as the reconciler last saw them, with outsiders flagged.
 */
export const KubectlBindings = (props: { namespace: ManagedNamespace }) => {
  const { cluster, name } = props.namespace;
  const api = useApi(clusterAccessApiRef);
  const { value, loading, error } = useAsync(
    () => api.listAccess({ cluster, namespace: name }),
    [api, cluster, name],
  );
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        RoleBindings made with kubectl
      </Typography>
      {loading && <Progress />}
      {error && (
        <ResponseErrorPanel
          error={error}
          title={describeNamespaceError(error)}
        />
      )}
      {value && (
        <NamespaceAccessList
          entries={value.filter(entry => entry.via === 'binding')}
          label={`RoleBindings made with kubectl in ${name}`}
          emptyText="None, as of the last reconcile."
        />
      )}
    </Box>
  );
};
