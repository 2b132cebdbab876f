import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';

/** On a Group's page: the namespaces the Group owns. */
export const EntityGroupNamespacesCard = () => {
  const { entity } = useEntity();
  const name = entity.metadata.title ?? entity.metadata.name;
  return (
    <InfoCard title="Namespaces">
      <Typography variant="body2">
        Namespaces owned by {name} are listed here once namespace requests
        are enabled on this portal.
      </Typography>
    </InfoCard>
  );
};
