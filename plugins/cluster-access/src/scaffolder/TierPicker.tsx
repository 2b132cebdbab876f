import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { TierPickerFieldSchema } from './schemas';
import { useOffer } from './useOffer';

/**
 * Scaffolder field `ClusterAccessTierPicker`: one of the tiers the Cluster
 * Access backend offers, with whether it needs an approver.
 */
export const ClusterAccessTierPicker = (
  props: typeof TierPickerFieldSchema.TProps,
) => {
  const { onChange, formData, required, rawErrors, schema, idSchema } = props;
  const offer = useOffer();
  const chosen = offer.tiers.find(t => t.name === formData);
  let help = schema.description ?? '';
  if (offer.error) help = `Could not load the tiers: ${offer.error.message}`;
  else if (chosen?.description) help = chosen.description;
  return (
    <TextField
      select
      fullWidth
      margin="normal"
      id={idSchema?.$id}
      label={schema.title ?? 'Tier'}
      value={offer.loading ? '' : formData ?? ''}
      onChange={event => onChange(event.target.value)}
      required={required}
      disabled={props.disabled || offer.loading}
      error={!!offer.error || (rawErrors?.length ?? 0) > 0}
      helperText={help}
      inputProps={{ 'aria-label': schema.title ?? 'Tier' }}
    >
      {offer.tiers.map(tier => (
        <MenuItem key={tier.name} value={tier.name}>
          {tier.title} (
          {tier.approval === 'none' ? 'made at once' : 'needs an approver'})
        </MenuItem>
      ))}
    </TextField>
  );
};
