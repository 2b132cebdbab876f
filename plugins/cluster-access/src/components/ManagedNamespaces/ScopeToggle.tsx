import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';

/** Which namespaces the tab lists: the user's, or every managed one. */
export type Scope = 'mine' | 'all';

/** Mine | All, over the table. */
export const ScopeToggle = (props: {
  scope: Scope;
  onChange: (scope: Scope) => void;
}) => (
  <ToggleButtonGroup
    exclusive
    size="small"
    value={props.scope}
    onChange={(_, value: Scope | null) => value && props.onChange(value)}
    aria-label="Which namespaces"
  >
    <ToggleButton value="mine">Mine</ToggleButton>
    <ToggleButton value="all">All</ToggleButton>
  </ToggleButtonGroup>
);
