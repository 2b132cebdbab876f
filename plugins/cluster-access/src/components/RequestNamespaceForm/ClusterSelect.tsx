import {
  NamespaceClusterInfo,
  TierInfo,
} from '@cluster-access/plugin-cluster-access-common';
import { SelectField } from './SelectField';
import { offers } from './useTierChoice';

/**
 * The tier's clusters; those that cannot make namespaces now are shown but
 * disabled, and the field says so when none can.
 */
export const ClusterSelect = (props: {
  tier?: TierInfo;
  clusters: NamespaceClusterInfo[];
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
}) => {
  const { tier, clusters, ...field } = props;
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
          disabled={!tier || !offers(tier, c)}
        >
          {c.title ?? c.name}
          {c.provisioning ? '' : ' (namespaces cannot be made here)'}
        </option>
      ))}
    </SelectField>
  );
};
