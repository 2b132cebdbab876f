import { useEffect } from 'react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { ClusterPickerFieldSchema } from './schemas';
import { clustersFor, siblingValue, useOffer } from './useOffer';

/**
 * Scaffolder field `ClusterAccessClusterPicker`: one of the clusters the
 * backend can make namespaces on that offer the tier chosen in the same form.
 * A choice the tier no longer allows is cleared; a single choice is taken.
 */
export const ClusterAccessClusterPicker = (
  props: typeof ClusterPickerFieldSchema.TProps,
) => {
  const { onChange, formData, required, rawErrors, schema, idSchema } = props;
  const tierField = props.uiSchema?.['ui:options']?.tierField ?? 'tier';
  const tier = siblingValue(props.formContext, tierField);
  const offer = useOffer();
  const offered = clustersFor(offer.clusters, tier);
  const names = offered.map(c => c.name).join(',');

  useEffect(() => {
    if (offer.loading || offer.error) return;
    const list = names ? names.split(',') : [];
    if (formData && !list.includes(formData)) onChange(undefined as any);
    else if (!formData && list.length === 1) onChange(list[0]);
  }, [offer.loading, offer.error, names, formData, onChange]);

  let help = schema.description ?? '';
  if (offer.error) help = `Could not load the clusters: ${offer.error.message}`;
  else if (!offer.loading && offered.length === 0) {
    help = tier
      ? `No cluster offers the tier ${tier}.`
      : 'No cluster can make namespaces.';
  }
  return (
    <TextField
      select
      fullWidth
      margin="normal"
      id={idSchema?.$id}
      label={schema.title ?? 'Cluster'}
      value={offered.some(c => c.name === formData) ? formData : ''}
      onChange={event => onChange(event.target.value)}
      required={required}
      disabled={props.disabled || offer.loading}
      error={!!offer.error || (rawErrors?.length ?? 0) > 0}
      helperText={help}
      inputProps={{ 'aria-label': schema.title ?? 'Cluster' }}
    >
      {offered.map(cluster => (
        <MenuItem key={cluster.name} value={cluster.name}>
          {cluster.title ?? cluster.name}
        </MenuItem>
      ))}
    </TextField>
  );
};
