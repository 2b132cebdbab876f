import { TierInfo } from '@cluster-access/plugin-cluster-access-common';
import { SelectField } from './SelectField';

/** The tiers, each with whether it needs an approval. */
export const TierSelect = (props: {
  tiers: TierInfo[];
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
}) => {
  const { tiers, ...field } = props;
  return (
    <SelectField {...field} id="cluster-access-tier" label="Tier">
      {tiers.map(t => (
        <option key={t.name} value={t.name}>
          {t.title} ({t.name}):{' '}
          {t.approval === 'required' ? 'needs an approval' : 'approved at once'}
        </option>
      ))}
    </SelectField>
  );
};
