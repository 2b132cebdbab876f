import { EntityRefLink } from '@backstage/plugin-catalog-react';

/**
 * Who did something: a catalog entity by its display name, linked to its
 * page; `system` (the portal's own work) as "Cluster Access".
 */
export const Person = (props: { entityRef?: string }) => {
  const { entityRef } = props;
  if (!entityRef || entityRef === 'system') return <>Cluster Access</>;
  // Its own kind as the default, so that a Group reads "Payments team" and
  // not "group:payments" before the catalog answers.
  const kind = entityRef.includes(':') ? entityRef.split(':')[0] : 'user';
  return <EntityRefLink entityRef={entityRef} defaultKind={kind} hideIcon />;
};
