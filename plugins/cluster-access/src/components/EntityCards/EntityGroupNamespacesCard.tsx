import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { isSameEntityRef } from '../../lib/entityRefs';
import { AsyncContent } from '../AsyncContent';
import { PluginCardContent } from '../PluginContent';
import { AccessSection } from '../NamespaceAccess';
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
  const currentUser = useCurrentUser();
  const namespaces = useClusterAccessApi(
    api => api.listNamespaces({ owner }),
    [owner],
  );
  const access = useClusterAccessApi(api => api.listAccess({ owner }), [owner]);
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
      <PluginCardContent>
        <AsyncContent state={namespaces}>
          {items => (
            <>
              <NamespaceSummaryTable
                namespaces={items}
                label={`Namespaces of ${name}`}
                emptyText={`${name} owns no namespace yet.`}
              />
              {items.length > 0 && (
                <AccessSection
                  px={2}
                  py={1.5}
                  heading="Who can get in"
                  access={access}
                  label={`Who can get into the namespaces of ${name}`}
                  emptyText="Nobody has access yet."
                />
              )}
            </>
          )}
        </AsyncContent>
      </PluginCardContent>
    </InfoCard>
  );
};
