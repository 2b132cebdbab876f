import { ReactNode } from 'react';
import TextField from '@material-ui/core/TextField';

/** A native select of the request form, full width. */
export const SelectField = (props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  helperText?: string;
  error?: boolean;
  disabled: boolean;
  /** The `<option>`s. */
  children: ReactNode;
}) => {
  const { onChange, children, ...field } = props;
  return (
    <TextField
      {...field}
      select
      fullWidth
      margin="normal"
      onChange={e => onChange(e.target.value)}
      SelectProps={{ native: true }}
    >
      {children}
    </TextField>
  );
};
