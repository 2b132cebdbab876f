import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { AsyncContent } from '../AsyncContent';
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
  const access = useClusterAccessApi(api => api.listAccess({ user }), [user]);
  return (
    <InfoCard title="Cluster access" noPadding>
      <Box px={2} pt={2}>
        <Typography variant="h6" component="h3">
          Namespaces
        </Typography>
      </Box>
      <AsyncContent state={access}>
        {entries => (
          <Box px={2} pb={1}>
            <NamespaceAccessList
              entries={entries}
              label={`Namespaces ${name} can get into`}
              emptyText={`${name} has access to no managed namespace.`}
            />
          </Box>
        )}
      </AsyncContent>
      <HistoryTable
        title="Recent activity"
        filter={{ actor: user, limit: 20 }}
      />
    </InfoCard>
  );
};
