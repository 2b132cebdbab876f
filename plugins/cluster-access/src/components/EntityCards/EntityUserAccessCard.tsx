import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { HistoryTable } from '../HistoryTable';

/** On a User's page: their recent Cluster Access activity. */
export const EntityUserAccessCard = () => {
  const { entity } = useEntity();
  return (
    <InfoCard title="Cluster access" noPadding>
      <HistoryTable
        title="Recent activity"
        filter={{ actor: stringifyEntityRef(entity), limit: 20 }}
      />
    </InfoCard>
  );
};
