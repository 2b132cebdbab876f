import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { clusterAccessApiRef } from '../../api';
import { describeNamespaceError } from '../../lib/errors';
import { HistoryTable } from '../HistoryTable';
import { NamespaceAccessList } from '../NamespaceAccess';

/**
 * On a User's page: the namespaces they can get into and why ("Alice can
 * edit payments-api-dev as a member of Payments"), and their recent activity.
 */
export const EntityUserAccessCard = () => {
  const { entity } = useEntity();
  const user = stringifyEntityRef(entity);
  const name =
    (entity.spec?.profile as { displayName?: string } | undefined)
      ?.displayName ??
    entity.metadata.title ??
    entity.metadata.name;
  const api = useApi(clusterAccessApiRef);
  const { value, loading, error } = useAsync(
    () => api.listAccess({ user }),
    [api, user],
  );
  return (
    <InfoCard title="Cluster access" noPadding>
      <Box px={2} pt={2}>
        <Typography variant="h6" component="h3">
          Namespaces
        </Typography>
      </Box>
      {loading && <Progress />}
      {error && (
        <ResponseErrorPanel
          error={error}
          title={describeNamespaceError(error)}
        />
      )}
      {value && (
        <Box px={2} pb={1}>
          <NamespaceAccessList
            entries={value}
            label={`Namespaces ${name} can get into`}
            emptyText={`${name} has access to no managed namespace.`}
          />
        </Box>
      )}
      <HistoryTable
        title="Recent activity"
        filter={{ actor: user, limit: 20 }}
      />
    </InfoCard>
  );
};
