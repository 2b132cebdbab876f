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
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { isSameEntityRef } from '../../lib/entityRefs';
import { describeNamespaceError } from '../../lib/errors';
import { NamespaceAccessList } from '../NamespaceAccess';
import { NamespaceSummaryTable } from './NamespaceSummaryTable';

/**
 * On a Group's page: the namespaces the Group owns, who can get into each
 * and why (members, extra members, bindings made with kubectl), with a link
 * for the Group's members to request another one.
 */
export const EntityGroupNamespacesCard = () => {
  const { entity } = useEntity();
  const owner = stringifyEntityRef(entity);
  const name = entity.metadata.title ?? entity.metadata.name;
  const api = useApi(clusterAccessApiRef);
  const currentUser = useCurrentUser();
  const { value, loading, error } = useAsync(
    () => api.listNamespaces({ owner }),
    [api, owner],
  );
  const access = useAsync(() => api.listAccess({ owner }), [api, owner]);
  const requestLink = usePageTabLink('requestNamespace', { owner });
  // Only members may request a namespace for a Group; the backend checks it.
  const member = !!currentUser.user?.groups.some(group =>
    isSameEntityRef(group, owner),
  );

  return (
    <InfoCard
      title="Namespaces"
      subheader={`Kubernetes namespaces owned by ${name}`}
      noPadding
      deepLink={
        requestLink && member
          ? { title: 'Request a namespace', link: requestLink }
          : undefined
      }
    >
      {loading && <Progress />}
      {error && (
        <ResponseErrorPanel
          error={error}
          title={describeNamespaceError(error)}
        />
      )}
      {value && (
        <NamespaceSummaryTable
          namespaces={value}
          show="members"
          label={`Namespaces of ${name}`}
          emptyText={`${name} owns no namespace yet.`}
        />
      )}
      {value && value.length > 0 && (
        <Box px={2} py={1.5}>
          <Typography variant="subtitle2" component="h3" gutterBottom>
            Who can get in
          </Typography>
          {access.loading && <Progress />}
          {access.error && (
            <ResponseErrorPanel
              error={access.error}
              title={describeNamespaceError(access.error)}
            />
          )}
          {access.value && (
            <NamespaceAccessList
              entries={access.value}
              label={`Who can get into the namespaces of ${name}`}
              emptyText="Nobody has access yet."
            />
          )}
        </Box>
      )}
    </InfoCard>
  );
};
