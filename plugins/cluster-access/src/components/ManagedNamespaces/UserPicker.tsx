import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';

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
 * Picks a User from the catalog as one types. Free text stays allowed, so a
 * full ref can still be typed when the catalog search finds nothing.
 */
export const UserPicker = (props: {
  value: string;
  onChange: (value: string) => void;
  problem?: string;
  disabled: boolean;
}) => {
  const { value, onChange, problem, disabled } = props;
  const catalogApi = useApi(catalogApiRef);
  const [term, setTerm] = useState('');
  useDebounce(() => setTerm(value.trim()), USER_SEARCH_DEBOUNCE_MS, [value]);

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

  return (
    <Autocomplete<UserOption, false, false, true>
      freeSolo
      fullWidth
      id="cluster-access-member"
      options={search.value ?? []}
      loading={search.loading}
      // The catalog already filtered by the term.
      filterOptions={options => options}
      getOptionLabel={option =>
        typeof option === 'string' ? option : option.ref
      }
      renderOption={option => (
        <ListItemText primary={option.displayName} secondary={option.ref} />
      )}
      // The typed text is the state; a picked option fills in its ref.
      value={null}
      inputValue={value}
      onInputChange={(_event, text) => onChange(text)}
      onChange={(_event, option) => {
        if (option) onChange(typeof option === 'string' ? option : option.ref);
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
