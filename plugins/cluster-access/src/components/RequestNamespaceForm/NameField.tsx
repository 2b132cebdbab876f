import { TierInfo } from '@cluster-access/plugin-cluster-access-common';
import TextField from '@material-ui/core/TextField';
import { namingHelp } from './naming';
import { NamespaceNameState } from './useNamespaceName';

/**
 * The namespace name, checked against the DNS-1123 and naming rules while it
 * is typed; the tier's naming rule shows while the name is fine.
 */
export const NameField = (props: {
  name: NamespaceNameState;
  tier?: TierInfo;
  disabled: boolean;
}) => {
  const { name, tier, disabled } = props;
  const wrong = name.showProblems && name.problems.length > 0;
  return (
    <TextField
      fullWidth
      margin="normal"
      id="cluster-access-namespace"
      label="Namespace name"
      value={name.name}
      onChange={e => name.setName(e.target.value)}
      error={wrong}
      helperText={
        wrong ? `The name ${name.problems.join('; ')}.` : namingHelp(tier)
      }
      inputProps={{ spellCheck: false, autoComplete: 'off' }}
      disabled={disabled}
    />
  );
};
