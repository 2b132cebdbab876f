import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { clusterAccessApiRef } from '../../api';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { isSameEntityRef } from '../../lib/entityRefs';
import { describeNamespaceError } from '../../lib/errors';
import { NamespaceSummaryTable } from './NamespaceSummaryTable';

/**
 * On a Group's page: the namespaces the Group owns and who has access to
 * each, with a link for the Group's members to request another one.
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
    </InfoCard>
  );
};
