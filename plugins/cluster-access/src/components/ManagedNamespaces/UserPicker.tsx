import { useState } from 'react';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { UserOption, useUserSearch } from './useUserSearch';

/**
 * Picks a User from the catalog as one types, leaving out those who already
 * have access. Free text stays allowed, so a full ref can still be typed
 * when the catalog search finds nothing. `value` is the typed text or the
 * picked User's ref; a picked User shows by their name.
 */
export const UserPicker = (props: {
  value: string;
  onChange: (value: string) => void;
  /** User refs not to offer: the namespace's members. */
  exclude: string[];
  problem?: string;
  disabled: boolean;
}) => {
  const { value, onChange, exclude, problem, disabled } = props;
  const [picked, setPicked] = useState<UserOption>();
  // Cleared with the value (after Add), or replaced by typing.
  const shown = picked && picked.ref === value ? picked : undefined;
  // A picked User is not searched for again.
  const search = useUserSearch(shown ? '' : value, exclude);

  return (
    <Autocomplete<UserOption, false, false, true>
      freeSolo
      fullWidth
      id="cluster-access-member"
      options={search.options}
      loading={search.loading}
      // The catalog already filtered by the term.
      filterOptions={options => options}
      getOptionLabel={option =>
        typeof option === 'string' ? option : option.displayName
      }
      renderOption={option => (
        <ListItemText primary={option.displayName} secondary={option.handle} />
      )}
      // The typed text is the state; a picked option sets its ref and shows
      // its name. The picker's own resets of the text are ignored.
      value={null}
      inputValue={shown ? shown.displayName : value}
      onInputChange={(_event, text, reason) => {
        if (reason === 'reset') return;
        setPicked(undefined);
        onChange(text);
      }}
      onChange={(_event, option) => {
        if (!option) return;
        if (typeof option === 'string') {
          onChange(option);
        } else {
          setPicked(option);
          onChange(option.ref);
        }
      }}
      disabled={disabled}
      renderInput={params => (
        <TextField
          {...params}
          label="Add a user"
          placeholder="Search by name, or type user:default/bob"
          error={!!problem}
          helperText={
            problem ??
            (search.error
              ? 'Could not search the catalog; type a user name or ref.'
              : undefined)
          }
        />
      )}
    />
  );
};
