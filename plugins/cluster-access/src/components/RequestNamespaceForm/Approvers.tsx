import { EntityRefLinks } from '@backstage/plugin-catalog-react';

/**
 * The Groups and Users a tier's requests go to for a decision, by their
 * catalog names, linked. The tier's `approvers` say whom the backend tells;
 * the permission policy decides who may approve, and in practice names the
 * same people.
 */
export const Approvers = (props: { refs: string[] }) => (
  <EntityRefLinks entityRefs={props.refs} hideIcons />
);
