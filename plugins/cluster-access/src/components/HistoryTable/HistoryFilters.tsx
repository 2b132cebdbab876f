import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { EVENT_KINDS, EventKind } from './eventDetails';

/** What the history is narrowed to; empty strings mean "any". */
export interface HistoryFilterValues {
  actor: string;
  namespace: string;
  kind: EventKind | '';
}

const personLabel = (ref: string) =>
  ref === 'system' ? (
    'Cluster Access'
  ) : (
    <EntityDisplayName entityRef={ref} hideIcon />
  );

/** Who, which namespace and which kind of event, as three drop-downs. */
export const HistoryFilters = (props: {
  actors: string[];
  namespaces: string[];
  value: HistoryFilterValues;
  onChange: (value: HistoryFilterValues) => void;
}) => {
  const { actors, namespaces, value, onChange } = props;
  const select = (
    label: string,
    field: keyof HistoryFilterValues,
    options: Array<[string, React.ReactNode]>,
  ) => (
    <TextField
      select
      label={label}
      value={value[field]}
      onChange={e => onChange({ ...value, [field]: e.target.value })}
      variant="outlined"
      size="small"
      style={{ minWidth: 200 }}
      SelectProps={{ displayEmpty: true }}
      InputLabelProps={{ shrink: true }}
    >
      <MenuItem value="">Any</MenuItem>
      {options.map(([option, text]) => (
        <MenuItem key={option} value={option}>
          {text}
        </MenuItem>
      ))}
    </TextField>
  );
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} p={2}>
      {select(
        'Who',
        'actor',
        actors.map(a => [a, personLabel(a)]),
      )}
      {select(
        'Namespace',
        'namespace',
        namespaces.map(n => [n, n]),
      )}
      {select('Kind of event', 'kind', Object.entries(EVENT_KINDS))}
    </Box>
  );
};
