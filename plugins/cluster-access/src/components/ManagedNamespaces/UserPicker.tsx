import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { isSameEntityRef } from '../../lib/entityRefs';

/** A User from the catalog, as offered by the member picker. */
type UserOption = { ref: string; displayName: string };

/** How long typing must pause before the catalog is searched. */
const USER_SEARCH_DEBOUNCE_MS = 250;

const USER_SEARCH_LIMIT = 20;

function toUserOption(entity: Entity): UserOption {
  const profile = entity.spec?.profile as { displayName?: string } | undefined;
  return {
    ref: stringifyEntityRef(entity),
    displayName:
      profile?.displayName || entity.metadata.title || entity.metadata.name,
  };
}

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
  const catalogApi = useApi(catalogApiRef);
  const [picked, setPicked] = useState<UserOption>();
  // Cleared with the value (after Add), or replaced by typing.
  const shown = picked && picked.ref === value ? picked : undefined;
  const [term, setTerm] = useState('');
  useDebounce(
    () => setTerm(shown ? '' : value.trim()),
    USER_SEARCH_DEBOUNCE_MS,
    [value, shown],
  );

  const search = useAsync(async (): Promise<UserOption[]> => {
    if (!term) return [];
    const { items } = await catalogApi.queryEntities({
      filter: { kind: 'User' },
      fullTextFilter: {
        term,
        fields: ['metadata.name', 'spec.profile.displayName'],
      },
      limit: USER_SEARCH_LIMIT,
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items.map(toUserOption);
  }, [catalogApi, term]);
  const options = (search.value ?? []).filter(
    option => !exclude.some(ref => isSameEntityRef(ref, option.ref)),
  );

  return (
    <Autocomplete<UserOption, false, false, true>
      freeSolo
      fullWidth
      id="cluster-access-member"
      options={options}
      loading={search.loading}
      // The catalog already filtered by the term.
      filterOptions={options => options}
      getOptionLabel={option =>
        typeof option === 'string' ? option : option.displayName
      }
      renderOption={option => (
        <ListItemText primary={option.displayName} secondary={option.ref} />
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
