import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';

/** Which namespaces the tab lists: the user's, or every managed one. */
export type Scope = 'mine' | 'all';

const LABEL_ID = 'cluster-access-scope-label';

/**
 * "Show: Mine | All", over the table: labelled where it can be seen, and
 * at MUI's default size (a small toggle is 40 px tall and easy to miss;
 * on a phone `PluginContent` makes it at least 44 px anyway).
 */
export const ScopeToggle = (props: {
  scope: Scope;
  onChange: (scope: Scope) => void;
}) => (
  <Box display="flex" alignItems="center" style={{ gap: 12 }}>
    <Typography id={LABEL_ID} component="span" variant="body1">
      Show
    </Typography>
    <ToggleButtonGroup
      exclusive
      value={props.scope}
      onChange={(_, value: Scope | null) => value && props.onChange(value)}
      aria-labelledby={LABEL_ID}
    >
      <ToggleButton value="mine">Mine</ToggleButton>
      <ToggleButton value="all">All</ToggleButton>
    </ToggleButtonGroup>
  </Box>
);
