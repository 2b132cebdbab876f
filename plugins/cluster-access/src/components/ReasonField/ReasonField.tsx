import TextField from '@material-ui/core/TextField';
import { isReasonTooLong, REASON_MAX_LENGTH } from '../../lib/limits';

/**
 * A reason or comment for approvers or requesters to read, two lines high
 * and growing; it says so when the text is longer than the backend accepts.
 */
export const ReasonField = (props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Shown under the field while the text is not too long. */
  hint?: string;
  disabled: boolean;
  margin?: 'normal';
  /** Marks the field required (an asterisk after the label). */
  required?: boolean;
}) => {
  const { value, onChange, hint, ...field } = props;
  const tooLong = isReasonTooLong(value);
  return (
    <TextField
      {...field}
      fullWidth
      multiline
      minRows={2}
      value={value}
      onChange={e => onChange(e.target.value)}
      error={tooLong}
      helperText={tooLong ? `At most ${REASON_MAX_LENGTH} characters.` : hint}
    />
  );
};
