import {
  NamespaceClusterInfo,
  RequestableTier,
} from '@cluster-access/plugin-cluster-access-common';
import { SelectField } from './SelectField';
import { offers } from './useTierChoice';

/**
 * The clusters where the user may request the tier for the owner; those that
 * cannot make namespaces now are shown but disabled, and the field says so
 * when none can.
 */
export const ClusterSelect = (props: {
  tier?: RequestableTier;
  owner: string;
  clusters: NamespaceClusterInfo[];
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
}) => {
  const { tier, owner, clusters, ...field } = props;
  return (
    <SelectField
      {...field}
      id="cluster-access-cluster"
      label="Cluster"
      helperText={
        tier && !field.value
          ? `No cluster can make ${tier.title} namespaces right now.`
          : undefined
      }
      error={!!tier && !field.value}
    >
      {!field.value && <option value="" disabled />}
      {clusters.map(c => (
        <option
          key={c.name}
          value={c.name}
          disabled={!tier || !offers(tier, c, owner)}
        >
          {c.title ?? c.name}
          {c.provisioning ? '' : ' (namespaces cannot be made here)'}
        </option>
      ))}
    </SelectField>
  );
};
