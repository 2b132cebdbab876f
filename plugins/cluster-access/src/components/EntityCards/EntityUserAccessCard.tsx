import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { isSameEntityRef } from '../../lib/entityRefs';
import { AsyncContent } from '../AsyncContent';
import { PluginCardContent } from '../PluginContent';
import { RecentEvents } from '../HistoryTable';
import { NamespaceAccessList } from '../NamespaceAccess';
import { OwnCertificateStatus } from './OwnCertificateStatus';

const Section = (props: { title: string; children: React.ReactNode }) => (
  <Box px={2} py={1}>
    <Typography variant="subtitle2" component="h3" gutterBottom>
      {props.title}
    </Typography>
    {props.children}
  </Box>
);

/**
 * On a User's page: on their own page, their certificate and a way to get
 * one; for everyone, the namespaces they can get into and why ("Alice can
 * edit payments-api-dev as a member of Payments") and their last few
 * actions, with a link to the rest of the history.
 */
export const EntityUserAccessCard = () => {
  const { entity } = useEntity();
  const user = stringifyEntityRef(entity);
  const name =
    (entity.spec?.profile as { displayName?: string } | undefined)
      ?.displayName ??
    entity.metadata.title ??
    entity.metadata.name;
  const currentUser = useCurrentUser();
  const own =
    !!currentUser.user && isSameEntityRef(currentUser.user.userEntityRef, user);
  const access = useClusterAccessApi(api => api.listAccess({ user }), [user]);
  const getAccessLink = usePageTabLink('getAccess');
  return (
    <InfoCard
      title="Cluster access"
      noPadding
      deepLink={
        own && getAccessLink
          ? { title: 'Get cluster access', link: getAccessLink }
          : undefined
      }
    >
      <PluginCardContent>
        {own && (
          <Section title="Certificate">
            <OwnCertificateStatus />
          </Section>
        )}
        <Section title="Namespaces">
          <AsyncContent state={access}>
            {entries => (
              <NamespaceAccessList
                entries={entries}
                label={`Namespaces ${name} can get into`}
                emptyText={`${name} has access to no managed namespace.`}
              />
            )}
          </AsyncContent>
        </Section>
        <Section title="Recent activity">
          <RecentEvents
            actor={user}
            emptyText={`${name} has not used Cluster Access yet.`}
          />
        </Section>
      </PluginCardContent>
    </InfoCard>
  );
};
