import { EntityRefLink } from '@backstage/plugin-catalog-react';

/**
 * Who did something: a catalog entity by its display name, linked to its
 * page; `system` (the portal's own work) as "Cluster Access".
 */
export const Person = (props: { entityRef?: string }) => {
  const { entityRef } = props;
  if (!entityRef || entityRef === 'system') return <>Cluster Access</>;
  return <EntityRefLink entityRef={entityRef} defaultKind="user" hideIcon />;
};
