import { ReactElement } from 'react';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';

/**
 * One row action as an icon with its name in a tooltip and for screen
 * readers, as the catalog's tables do: a row of words does not fit beside
 * seven columns at 1440 px.
 */
export const RowAction = (props: {
  title: string;
  label: string;
  icon: ReactElement;
  color?: 'primary' | 'secondary' | 'default';
  onClick: () => void;
}) => (
  <Tooltip title={props.title}>
    <IconButton
      size="small"
      color={props.color}
      aria-label={props.label}
      onClick={props.onClick}
    >
      {props.icon}
    </IconButton>
  </Tooltip>
);
